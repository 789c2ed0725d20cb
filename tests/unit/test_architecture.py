"""Dependencies point inwards: the domain, ports and use cases import no framework."""

import ast
from pathlib import Path

import pytest

import orderflow

PACKAGE = Path(orderflow.__file__).parent
INNER = ("domain", "ports", "services")
FORBIDDEN = {"pyramid", "webob", "persistent", "ZODB", "BTrees", "transaction", "stripe",
             "colander", "zope"}


def forbidden_imports(source, filename="<string>"):
    """(line, module) of every forbidden import in `source`."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__"
              and node.args and isinstance(node.args[0], ast.Constant)):
            names = [node.args[0].value]
        else:
            continue
        found += [(node.lineno, n) for n in names if n.split(".")[0] in FORBIDDEN]
    return found


def inner_modules():
    return sorted(p for layer in INNER for p in (PACKAGE / layer).rglob("*.py"))


@pytest.mark.parametrize("source", [
    "import pyramid",
    "import os, pyramid.config as cfg",
    "from pyramid.view import view_config",
    "from ZODB import DB",
    "from BTrees.OOBTree import OOBTree",
    "def f():\n    import stripe\n",
    "import zope.interface",
    "colander = __import__('colander')",
])
def test_the_checker_flags_a_framework_import(source):
    assert forbidden_imports(source)


@pytest.mark.parametrize("source", [
    "import dataclasses", "from .order import Order", "from ..ports import gateway",
    "import pyramidal_thing",
])
def test_the_checker_lets_other_imports_through(source):
    assert forbidden_imports(source) == []


def test_the_inner_layers_exist_and_are_walked():
    names = {p.relative_to(PACKAGE).as_posix() for p in inner_modules()}
    assert {"domain/order.py", "ports/repositories.py", "services/payments.py"} <= names


def test_domain_ports_and_services_import_no_framework():
    offenders = {
        str(path.relative_to(PACKAGE)): found
        for path in inner_modules()
        if (found := forbidden_imports(path.read_text(), str(path)))
    }
    assert offenders == {}


def test_the_package_init_is_empty_so_the_domain_imports_without_pyramid():
    assert (PACKAGE / "__init__.py").read_text().strip() == ""

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


# -- adapters reach each other only through the composition roots ------------------

ADAPTERS = PACKAGE / "adapters"
# Which other adapters each adapter may import. The console scripts are
# composition roots (as app.py is); the development-only fake plays Stripe
# (its events module) and renders a form like the web pages do.
MAY_IMPORT = {
    "scripts": "any",
    "fake": {"stripe", "web"},
}
# Storage technology the web adapter must not see: it reaches storage
# through ports, and the ZODB adapter answers its own errors (ports.errors).
STORAGE = {"ZODB", "ZEO", "BTrees", "persistent", "transaction", "pyramid_zodbconn",
           "relstorage", "psycopg2"}


def adapter_of(path):
    """The adapter a module under adapters/ belongs to: its package or module name."""
    return path.relative_to(ADAPTERS).parts[0].removesuffix(".py")


def imported_modules(path, source=None):
    """Absolute names of every module `path` imports (relative imports resolved);
    `source` stands in for the file's text when given."""
    # The package the module is in (for __init__.py, the package it makes).
    package = ("orderflow",) + path.relative_to(PACKAGE).parent.parts
    names = []
    source = path.read_text() if source is None else source
    for node in ast.walk(ast.parse(source, str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - (node.level - 1)] if node.level else ()
            module = ".".join(base + ((node.module,) if node.module else ()))
            # "from . import x" may import a module x: count it as one.
            names += [module] + [f"{module}.{alias.name}" for alias in node.names]
    return names


def adapter_modules():
    return sorted(p for p in ADAPTERS.rglob("*.py") if p.parent != ADAPTERS or
                  p.name != "__init__.py")


def foreign_adapter_imports(path, source=None):
    """The other adapters `path` imports that it may not."""
    own = adapter_of(path)
    allowed = MAY_IMPORT.get(own, set())
    if allowed == "any":
        return set()
    found = set()
    for name in imported_modules(path, source):
        parts = name.split(".")
        if parts[:2] == ["orderflow", "adapters"] and len(parts) > 2:
            other = parts[2]
            if other != own and other not in allowed:
                found.add(other)
    return found


@pytest.mark.parametrize("module,source,imported", [
    ("web/api.py", "from ..zodb.events import remember", "orderflow.adapters.zodb.events"),
    ("web/__init__.py", "from ..zodb.database import x", "orderflow.adapters.zodb.database"),
    ("web/admin/__init__.py", "from ...passwords import Argon2Hasher",
     "orderflow.adapters.passwords"),
    ("web/api.py", "import orderflow.adapters.zodb", "orderflow.adapters.zodb"),
    ("web/api.py", "from .. import zodb", "orderflow.adapters.zodb"),
])
def test_the_adapter_rule_resolves_relative_and_absolute_imports(module, source, imported):
    path = ADAPTERS / module
    assert imported in imported_modules(path, source)
    assert foreign_adapter_imports(path, source)


def test_every_adapter_package_is_walked():
    adapters = {adapter_of(p) for p in adapter_modules()}
    assert {"web", "zodb", "stripe", "fake", "scripts", "passwords", "memory"} <= adapters


def test_no_adapter_imports_another_except_the_composition_roots_and_the_fake():
    offenders = {
        str(path.relative_to(PACKAGE)): found
        for path in adapter_modules()
        if (found := foreign_adapter_imports(path))
    }
    assert offenders == {}


def test_the_web_adapter_imports_no_storage_technology():
    offenders = {
        str(path.relative_to(PACKAGE)): names
        for path in sorted((ADAPTERS / "web").rglob("*.py"))
        if (names := {n for n in imported_modules(path) if n.split(".")[0] in STORAGE})
    }
    assert offenders == {}

"""Adapters ask the Order its lifecycle questions; they never compare statuses.

A page that decides from `order.status` itself (can it be retried, should
it poll, is it paid) drifts from the rules the day a rule changes: the
questions live in domain/questions.py. The development fake is left out:
it plays Stripe, and a Stripe session's words are its own.
"""

import re

import pytest

from .test_architecture import PACKAGE

ADAPTERS = PACKAGE / "adapters"
COMPARISON = re.compile(r"\.status\s*(==|!=|\bnot\s+in\b|\bin\b)")
# Status.ALL (every status, for filters and counts) and Status.known are
# vocabulary, and Status.UNSETTLED is the domain's own definition that the
# repository's index walk for `unsettled()` follows; any other name is a rule.
STATUS_RULE = re.compile(r"\bStatus\.(?!ALL\b|UNSETTLED\b|known\b)[A-Z_]+")


def adapter_files():
    return sorted(
        path for path in ADAPTERS.rglob("*")
        if path.suffix in (".py", ".jinja2", ".js")
        and "fake" not in path.relative_to(ADAPTERS).parts
    )


def offences(text):
    return [m.group(0) for pattern in (COMPARISON, STATUS_RULE) for m in pattern.finditer(text)]


@pytest.mark.parametrize("text", [
    "if order.status == Status.PAID:", "{% if order.status in (Status.PAID,) %}",
    "can = order.status not in Status.SETTLED", "x = Status.RETRYABLE",
])
def test_the_check_flags_a_status_comparison(text):
    assert offences(text)


@pytest.mark.parametrize("text", [
    "if order.can_retry:", "for s in Status.ALL:", "Status.known(word)",
    '<span class="badge status-{{ order.status }}">', "record.indexed_status != key",
])
def test_the_check_lets_questions_and_plain_reading_through(text):
    assert offences(text) == []


def test_the_adapters_are_walked():
    names = {p.relative_to(PACKAGE).as_posix() for p in adapter_files()}
    assert {"adapters/web/shop/results.py", "adapters/web/templates/success.jinja2",
            "adapters/web/static/poll.js"} <= names


def test_no_adapter_compares_an_orders_status():
    found = {
        str(path.relative_to(PACKAGE)): hits
        for path in adapter_files()
        if (hits := offences(path.read_text(encoding="utf-8")))
    }
    assert found == {}

"""Money as people read and type it: Babel, for the shop's locale (SPEC §11)."""

import pytest

from orderflow.adapters.web.money import MoneyText, parse_currencies, parse_locale
from orderflow.settings import ConfigurationError

EN = MoneyText("en")


@pytest.mark.parametrize("amount,currency,text", [
    (1800, "eur", "€18.00"),
    (5124, "kwd", "KWD\u00a05.124"),
    (5, "usd", "$0.05"),
    (123456789, "gbp", "£1,234,567.89"),
    (-250, "eur", "-€2.50"),
    (1500, "jpy", "¥1,500"),
    (0, "eur", "€0.00"),
    (1234005, "bhd", "BHD\u00a01,234.005"),
    (7, "omr", "OMR\u00a00.007"),
    (1050, "isk", "ISK\u00a010.50"),
])
def test_money_reads_as_the_english_locale_writes_it(amount, currency, text):
    assert EN(amount, currency) == text


def test_money_follows_the_configured_locale():
    german = MoneyText("de_DE")
    assert german(1800, "eur") == "18,00\u00a0€"
    assert german(5124, "kwd") == "5,124\u00a0KWD"


def test_missing_or_unreadable_money_shows_a_dash_or_its_raw_figures():
    assert EN(None, "eur") == "—"
    assert EN(12.5, "eur") == "12.5 eur"


@pytest.mark.parametrize("text,currency,amount", [
    ("18", "eur", 1800), ("18.00", "eur", 1800), ("18.5", "eur", 1850), (" 0.05 ", "eur", 5),
    ("18.", "eur", 1800), ("5.124", "kwd", 5124), ("1500", "jpy", 1500),
])
def test_prices_are_typed_in_major_units(text, currency, amount):
    assert EN.parse(text, currency) == amount


@pytest.mark.parametrize("text,currency", [
    ("", "eur"), ("18.001", "eur"), ("-1", "eur"), ("1e3", "eur"), ("1,800", "eur"),
    ("abc", "eur"), ("15.5", "jpy"), ("1234567890", "eur"), ("١٨", "eur"),
])
def test_a_price_that_is_no_amount_of_the_currency_is_refused(text, currency):
    assert EN.parse(text, currency) is None


def test_a_german_shop_types_prices_with_a_comma():
    german = MoneyText("de_DE")
    assert german.parse("18,50", "eur") == 1850
    assert german.major(1850, "eur") == "18,50"
    assert EN.major(5124, "kwd") == "5.124"
    assert EN.major(1500, "jpy") == "1500"


def test_the_shop_currencies_and_locale_are_checked_at_start_up():
    assert parse_currencies("eur, USD") == ("eur", "usd")
    with pytest.raises(ConfigurationError):
        parse_currencies("euro")
    with pytest.raises(ConfigurationError):
        parse_locale("xx_NOPE")


def test_amounts_in_history_notes_are_formatted_and_other_figures_left_alone():
    assert EN.note("900 eur refunded") == "€9.00 refunded"
    assert EN.note("received 100 eur, expected 3600 eur") == "received €1.00, expected €36.00"
    assert EN.note("retry: attempt 2") == "retry: attempt 2"
    assert EN.note("waited 2 day") == "waited 2 day"


def test_a_refund_note_of_an_older_order_reads_in_the_order_currency():
    assert EN.note("900 refunded", "eur") == "€9.00 refunded"
    assert EN.note("900 refunded; the order stays disputed", "kwd") == (
        "KWD\u00a00.900 refunded; the order stays disputed")

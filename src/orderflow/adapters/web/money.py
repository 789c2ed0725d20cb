"""Money as people read and type it, for the shop's locale (SPEC §11).

Babel is an adapter concern: the domain keeps integer minor units and a
currency code, and every page (shop, admin, development checkout) turns them
into text through `MoneyText`, made once from `orderflow.locale`.
"""

import copy
from decimal import Decimal
import re

from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol, is_currency as is_known_currency

from ...domain.money import decimals, is_currency
from ...settings import ConfigurationError

# CLDR's currency spacing, which Babel leaves out: a symbol made of letters
# ("KWD", "CHF") is kept apart from the digits by a no-break space.
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
# The domain writes amounts in history and event notes as data: "900 eur".
_NOTE_AMOUNT = re.compile(r"\b([0-9]+) ([a-z]{3})\b")
# Refund notes written before they named the currency: "900 refunded".
_OLD_REFUND = re.compile(r"^([0-9]+) refunded\b")


def parse_locale(name):
    try:
        return Locale.parse((name or "en").strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise ConfigurationError(
            f"orderflow.locale must be a locale such as en or de_DE, not {name!r}") from None


def parse_currencies(text):
    """orderflow.currencies: 'eur' or 'eur usd' (commas allowed), lower case."""
    codes = [c for c in re.split(r"[\s,]+", (text or "eur").strip().lower()) if c]
    bad = [c for c in codes if not is_currency(c)]
    if bad or not codes:
        raise ConfigurationError(
            f"orderflow.currencies must list ISO 4217 codes such as 'eur usd', not {text!r}")
    return tuple(dict.fromkeys(codes))


class MoneyText:
    """Integer minor units to text (`€18.00`, `KWD 5.124`) and back."""

    def __init__(self, locale="en"):
        self.locale = parse_locale(locale) if not isinstance(locale, Locale) else locale
        self._pattern = self.locale.currency_formats["standard"]
        self.decimal_symbol = get_decimal_symbol(self.locale)

    def __call__(self, amount, currency):
        """The text of an amount; a dash for none, the raw figures if unreadable."""
        if amount is None or not currency:
            return "—"
        if type(amount) is not int or not is_currency(currency):
            return f"{amount} {currency}"
        places = decimals(currency)
        # The shop's exponent (Stripe's), not Babel's: ISK has two for Stripe.
        pattern = copy.copy(self._pattern)
        pattern.frac_prec = (places, places)
        value = Decimal(amount).scaleb(-places)
        text = pattern.apply(value, self.locale, currency=currency.upper(), currency_digits=False)
        return _LETTER_DIGIT.sub("\u00a0", text)

    def note(self, text, currency=None):
        """A history or event note with its amounts formatted.

        `currency` (the order's) reads the refund notes of old orders.
        """
        if not text:
            return text
        if currency and is_currency(currency):
            text = _OLD_REFUND.sub(lambda m: f"{m.group(1)} {currency} refunded", text)
        return _NOTE_AMOUNT.sub(self._note_amount, text)

    def _note_amount(self, match):
        amount, code = match.groups()
        if not is_known_currency(code.upper()):  # "2 day" is no amount
            return match.group(0)
        return self(int(amount), code)

    def major(self, amount, currency):
        """An amount as typed in a form: 18.00 (no symbol, no grouping)."""
        places = decimals(currency)
        if places == 0:
            return str(amount)
        units, minor = divmod(amount, 10 ** places)
        return f"{units}{self.decimal_symbol}{minor:0{places}d}"

    def parse(self, text, currency):
        """Minor units from '18', '18.00' or '18,5' (the locale's point or '.').

        None when the text is not such an amount, has more decimals than the
        currency, or is negative: the caller names the field.
        """
        text = (text or "").strip().replace(self.decimal_symbol, ".")
        places = decimals(currency) if is_currency(currency) else 2
        match = re.fullmatch(r"([0-9]{1,9})(?:\.([0-9]*))?", text)
        if match is None:
            return None
        fraction = match.group(2) or ""
        if len(fraction) > places:
            return None
        return int(match.group(1)) * 10 ** places + int(fraction.ljust(places, "0") or 0)


def money_text(request):
    """The app's MoneyText (made once at start-up by includeme)."""
    return request.registry["orderflow.money"]


def includeme(config):
    settings = config.get_settings()
    config.registry["orderflow.money"] = MoneyText(settings.get("orderflow.locale", "en"))
    config.registry["orderflow.currencies"] = parse_currencies(
        settings.get("orderflow.currencies", "eur"))

"""Money: an integer amount of minor units and a lower-case ISO 4217 currency."""

from dataclasses import dataclass
import re

# Matched whole (fullmatch): "$" would also accept a trailing newline.
_CURRENCY = re.compile(r"[a-z]{3}")

# Currencies whose minor unit is the unit itself (Stripe's zero-decimal list).
ZERO_DECIMAL = frozenset(
    "bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split()
)
# Currencies with a thousandth as minor unit (Stripe's three-decimal list):
# 5124 is 5.124 KWD. Every other currency has two decimals.
THREE_DECIMAL = frozenset("bhd jod kwd omr tnd".split())


def decimals(currency):
    """How many digits of an amount in minor units come after the point."""
    if currency in ZERO_DECIMAL:
        return 0
    return 3 if currency in THREE_DECIMAL else 2


def is_currency(code):
    return isinstance(code, str) and bool(_CURRENCY.fullmatch(code))


@dataclass(frozen=True)
class Money:
    amount: int
    currency: str

    def __post_init__(self):
        # bool is an int subclass; True is not an amount.
        if type(self.amount) is not int:
            raise TypeError("money amounts are integers in minor units")
        if not is_currency(self.currency):
            raise ValueError(f"not a lower-case ISO 4217 currency: {self.currency!r}")

    def __add__(self, other):
        if not isinstance(other, Money):
            return NotImplemented
        if other.currency != self.currency:
            raise ValueError("cannot add amounts in different currencies")
        return Money(self.amount + other.amount, self.currency)

    def times(self, quantity):
        return Money(self.amount * quantity, self.currency)

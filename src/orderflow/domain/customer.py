"""What the customer told the gateway about themselves (SPEC §8).

Stored inside each order in ZODB: this module path and the class name are
part of the stored schema.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class CustomerDetails:
    """The email, name and country given at the gateway's checkout page.

    Every part may be missing: Stripe asks only for what the session needs.
    """

    email: str | None = None
    name: str | None = None
    country: str | None = None

    def __bool__(self):
        return bool(self.email or self.name or self.country)

"""The Stripe adapter: the real SDK behind the PaymentGateway port."""

import stripe

# The SDK would otherwise write a telemetry id under ~/.config on first use.
stripe.enable_telemetry = False

"""The fake gateway and, in development, the hosted checkout page that plays Stripe."""

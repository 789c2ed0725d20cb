"""Ids in Stripe's test-mode shape (`pi_test_…`), random like Stripe's."""

import secrets


def new_id(prefix):
    return f"{prefix}_test_{secrets.token_hex(12)}"

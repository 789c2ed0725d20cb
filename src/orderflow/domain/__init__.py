"""The domain: orders, money and the payment rules. Standard library only."""

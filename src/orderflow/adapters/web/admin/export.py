"""The admin's order list as CSV (SPEC §10), streamed row by row.

UTF-8 with a byte-order mark, so that spreadsheet programs read accents
right; the total as the shop shows it, and every amount in plain major
units beside its currency, for accounting; any cell that a
spreadsheet would read as a formula (=, +, -, @, or a tab or carriage
return before one) is neutralised with a leading apostrophe, as OWASP
recommends for CSV injection.
"""

import csv
import io

from ....domain.money import decimals

HEADER = ("created", "order", "reference", "status", "email", "items", "total",
          "total_amount", "currency", "received_amount", "refunded_amount", "payment_intent",
          "session")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def major_units(amount, currency):
    """'12.50' for 1250 eur, '5.124' for 5124 kwd, '500' for 500 jpy: no floats."""
    places = decimals(currency)
    sign = "-" if amount < 0 else ""
    if not places:
        return f"{sign}{abs(amount)}"
    units, minor = divmod(abs(amount), 10 ** places)
    return f"{sign}{units}.{minor:0{places}d}"


def neutralised(cell):
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def order_row(order, money):
    """One order's cells; `money(amount, currency)` is the shop's format
    (Babel, for people), beside plain major units (for accounting)."""
    payment = order.payment
    currency = order.currency
    return (
        order.date_created.isoformat(),
        order.id,
        getattr(order, "reference", None) or "",
        order.status,
        order.email or "",
        "; ".join(f"{item.quantity} x {item.title}" for item in order.items),
        money(order.total, currency),
        major_units(order.total, currency),
        currency.upper(),
        major_units(payment.amount_received, currency) if payment else "",
        major_units(payment.amount_refunded, currency) if payment else "",
        (payment.payment_intent or "") if payment else "",
        order.session_id or "",
    )


def csv_chunks(orders, money):
    """Encoded CSV, one chunk per row, the header first: nothing is held
    but the row being written."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def take(row):
        writer.writerow([neutralised(cell) for cell in row])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode("utf-8")

    yield "\ufeff".encode("utf-8") + take(HEADER)
    for order in orders:
        yield take(order_row(order, money))


class ClosingChunks:
    """The response's app_iter: CSV chunks of `orders`, whose close() (the
    WSGI server calls it, also when the client goes away) closes the order
    stream and so its database connection."""

    def __init__(self, orders, money):
        self.orders = orders
        self.chunks = csv_chunks(orders, money)

    def __iter__(self):
        return self.chunks

    def close(self):
        self.chunks.close()
        close = getattr(self.orders, "close", None)
        if close is not None:
            close()

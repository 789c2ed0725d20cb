"""The CSV export's cells: major units without floats, formulas neutralised,
UTF-8 with a byte-order mark, one chunk per row."""

import csv
import io

import pytest

from orderflow.adapters.web.admin.export import csv_chunks, major_units, neutralised

from .orders import apply, new_order, paid, refunded


def plain_money(amount, currency):
    return f"{currency.upper()} {major_units(amount, currency)}"


@pytest.mark.parametrize("amount,currency,text", [
    (1250, "eur", "12.50"), (5, "eur", "0.05"), (5124, "kwd", "5.124"), (500, "jpy", "500"),
    (-1250, "eur", "-12.50"), (10**17 + 1, "eur", "1000000000000000.01"),
])
def test_amounts_are_major_units_made_without_floats(amount, currency, text):
    assert major_units(amount, currency) == text


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"x\")", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_that_a_spreadsheet_would_run_is_neutralised(cell):
    assert neutralised(cell) == "'" + cell


def test_ordinary_cells_are_left_alone():
    assert neutralised("Jane O'Neil") == "Jane O'Neil"
    assert neutralised(None) == ""


def test_the_export_is_utf8_with_a_bom_and_one_chunk_per_row():
    order = new_order()
    order.email = "=cmd|' /C calc'!A0@example.com"
    apply(order, paid())
    apply(order, refunded(500), minutes=2)
    chunks = list(csv_chunks([order, order], plain_money))
    assert len(chunks) == 3
    assert chunks[0].startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    header, row = rows[0], dict(zip(rows[0], rows[1]))
    assert header[:3] == ["created", "order", "reference"]
    assert row["email"].startswith("'=")
    assert (row["total"], row["total_amount"], row["currency"]) == ("EUR 30.00", "30.00", "EUR")
    assert (row["received_amount"], row["refunded_amount"]) == ("30.00", "5.00")
    assert row["items"] == "2 x Mug; 1 x Tea"
    assert row["status"] == "partially_refunded"

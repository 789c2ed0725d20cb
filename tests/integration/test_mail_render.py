"""A notice rendered as an email: both parts, escaping, links, amounts."""

from datetime import datetime, timezone

from orderflow.adapters.mail.render import Renderer
from orderflow.domain.notices import Kind, Notice

AT = datetime(2026, 1, 2, tzinfo=timezone.utc)


def received(**facts):
    base = {
        "order_id": "ord_abc", "reference": "ord_abc", "currency": "eur",
        "items": [('Mug <b>"bold"</b> & co', 2, 1800, 3600)], "total": 3600,
        "session_id": "cs_test_1", "email": "a@example.com", "status": "paid",
    }
    return Notice("ord_abc:payment_received", Kind.PAYMENT_RECEIVED, AT, "ord_abc",
                  "a@example.com", {**base, **facts})


def test_the_paid_message_has_a_text_and_an_escaped_html_part_with_the_receipt_link():
    renderer = Renderer("https://shop.example/", "Shop <orders@shop.example>")
    message = renderer.message(received(), ["a@example.com"])

    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert message["To"] == "a@example.com" and message["From"] == "Shop <orders@shop.example>"
    assert message["Subject"] == "Payment received: order ord_abc"
    assert 'Mug <b>"bold"</b> & co' in text
    assert "Mug &lt;b&gt;&#34;bold&#34;&lt;/b&gt; &amp; co" in html
    assert "<b>" not in html
    assert "https://shop.example/checkout/success?session_id=cs_test_1" in text
    assert 'href="https://shop.example/checkout/success?session_id=cs_test_1"' in html


def test_amounts_follow_the_configured_locale():
    english = Renderer("https://shop.example", "s@shop.example", locale="en")
    german = Renderer("https://shop.example", "s@shop.example", locale="de_DE")
    assert "Total: €36.00" in english.parts(received())[1]
    assert "Total: 36,00\xa0€" in german.parts(received())[1]


def test_a_zero_decimal_currency_is_not_divided():
    text = Renderer("https://shop.example", "s@shop.example").parts(
        received(currency="jpy", items=[("Tea", 1, 500, 500)], total=500))[1]
    assert "Total: ¥500" in text


def test_the_readable_reference_is_used_when_the_order_has_one():
    subject = Renderer("https://shop.example", "s@shop.example").subject(
        received(reference="OF-2026-0042"))
    assert subject == "Payment received: order OF-2026-0042"


def test_staff_messages_go_to_the_staff_addresses_and_customer_ones_to_the_customer():
    renderer = Renderer("https://shop.example", "s@shop.example", ("a@shop", "b@shop"))
    review = Notice("ord_abc:needs_review", Kind.NEEDS_REVIEW, AT, "ord_abc", None,
                    {**received().facts, "reason": "received 1 eur, expected 3600 eur"})
    assert renderer.recipients(review) == ("a@shop", "b@shop")
    assert renderer.recipients(received()) == ("a@example.com",)
    assert "https://shop.example/admin/orders/ord_abc" in renderer.parts(review)[1]

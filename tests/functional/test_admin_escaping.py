"""Customer-supplied text shows as text on admin pages."""

EMAIL = "o'brien&<b>co@example.com"
SAFE_EMAIL = "o'brien&co@example.com"


def test_an_email_with_html_characters_is_refused_by_the_api(shop):
    answer = shop.checkout(email=EMAIL, status=400).json
    assert "email" in answer["error"]["fields"]


def test_an_email_with_quotes_and_ampersands_shows_escaped_in_the_admin(admin):
    started = admin.checkout(email=SAFE_EMAIL).json

    for page in (admin.http.get(f"/admin/orders/{started['orderId']}"),
                 admin.http.get("/admin/orders", {"q": SAFE_EMAIL})):
        assert SAFE_EMAIL not in page.text
        assert "o&#39;brien&amp;co@example.com" in page.text


def test_a_search_term_with_html_is_echoed_as_text(admin):
    page = admin.http.get("/admin/orders", {"q": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in page.text

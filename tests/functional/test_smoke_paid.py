def test_a_checkout_paid_by_webhook_becomes_paid(shop):
    started = shop.checkout(items=[("ceramic-mug", 2), ("filter-papers", 1)]).json
    order = shop.http.get(f"/api/orders/{started['orderId']}").json
    assert order["status"] == "pending"
    assert order["total"] == 2 * 1800 + 450

    answer = shop.deliver_all(shop.gateway.pay(started["sessionId"]))[0].json
    assert answer == {"received": True, "duplicate": False}

    order = shop.http.get(f"/api/orders/by-session/{started['sessionId']}").json
    assert order["status"] == "paid"
    assert order["payment"]["amountReceived"] == 4050

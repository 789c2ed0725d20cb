"""The development gateway forgets its sessions when the server restarts."""


def forget_sessions(shop):
    shop.gateway.sessions.clear()


def test_the_success_page_of_a_session_the_gateway_forgot_still_shows_the_order(shop):
    started = shop.checkout().json
    forget_sessions(shop)

    page = shop.http.get(f"/checkout/success?session_id={started['sessionId']}")

    assert page.status_int == 200
    assert shop.order(started["orderId"]).status == "pending"


def test_a_retry_of_a_session_the_gateway_forgot_opens_a_new_session(shop):
    started = shop.checkout().json
    forget_sessions(shop)

    again = shop.http.post_json(f"/api/orders/{started['orderId']}/retry-session", {},
                                status=201).json

    assert again["sessionId"] != started["sessionId"]
    assert again["sessionId"] in shop.gateway.sessions
    assert shop.order(started["orderId"]).session_id == again["sessionId"]

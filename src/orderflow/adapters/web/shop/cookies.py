"""The cart id, held in a signed cookie.

Only the id travels to the browser; the lines stay in ZODB. A cookie whose
signature does not verify (tampered, or signed with an old secret) is
ignored: the browser simply gets a new, empty cart.
"""

import secrets

from webob.cookies import SignedSerializer

from ....settings import as_bool

COOKIE = "orderflow_cart"
MAX_AGE = 30 * 24 * 3600
_KEY = "orderflow.cart_id"


def _serializer(request):
    secret = request.registry.settings["orderflow.session_secret"]
    return SignedSerializer(secret, salt="orderflow.cart", hashalg="sha512")


def read_cart_id(request):
    """The cart id of this browser, or None (no cookie, or a bad one)."""
    if _KEY not in request.environ:
        value, raw = None, request.cookies.get(COOKIE)
        if raw:
            try:
                value = _serializer(request).loads(raw.encode("ascii"))
            except (ValueError, UnicodeError):
                value = None
        request.environ[_KEY] = value if isinstance(value, str) and value else None
    return request.environ[_KEY]


def cart_id_for_writing(request, response):
    """The cart id, created and set in a cookie on `response` if needed."""
    cart_id = read_cart_id(request)
    if cart_id is None:
        # Kept in the environ so a conflict retry of this request reuses it.
        cart_id = request.environ.setdefault("orderflow.new_cart_id", secrets.token_urlsafe(24))
    response.set_cookie(
        COOKIE, _serializer(request).dumps(cart_id).decode("ascii"), max_age=MAX_AGE,
        path="/", httponly=True, samesite="Lax",
        secure=as_bool(request.registry.settings["orderflow.secure_cookies"]),
    )
    return cart_id

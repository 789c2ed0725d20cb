"""Browser security headers on every answer (SPEC §12).

A tween above all others, so that error pages, the 400 of an undecodable
address, redirects, static files and the development checkout page get
them too.

Pages load scripts and styles only from our origin, and no inline script or
style (tests/functional/test_security_headers.py parses every page for
them): injected markup cannot run. No page may be framed: the admin's
cancel and deactivate buttons in a hidden frame would get around the CSRF
token (clickjacking).
"""

from pyramid.tweens import INGRESS

from ...settings import as_bool

# Where Stripe's hosted checkout lives. The shop's checkout form POSTs to us
# and we answer 303 to the session's URL there: Chromium applies form-action
# to the redirects that follow a form submission too.
STRIPE_CHECKOUT = "https://checkout.stripe.com"

# JSON, CSS, scripts: nothing in them may load or run anything.
NOT_A_PAGE_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"


def page_policy(form_targets):
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action " + " ".join(["'self'", *form_targets]),
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ])


def form_targets(settings):
    """Origins besides ours that a form submission may end up at."""
    if settings["orderflow.gateway"] == "stripe":
        return [STRIPE_CHECKOUT]
    # The development checkout page lives under the public origin, which
    # may be another name for this server than the one in the address bar.
    return [settings["orderflow.public_origin"]]


def security_headers(settings):
    """The headers for (HTML pages, everything else)."""
    common = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        # The success page's address carries the checkout session id: it
        # must not travel to another site in a Referer.
        "Referrer-Policy": "same-origin",
    }
    if as_bool(settings["orderflow.secure_cookies"]):
        # Only when the site is served over HTTPS (which secure cookies
        # say): HSTS on plain HTTP would lock browsers out of a
        # development server. No includeSubDomains: other hosts of the
        # domain are not ours to decide for.
        common["Strict-Transport-Security"] = "max-age=31536000"
    page = dict(common, **{"Content-Security-Policy": page_policy(form_targets(settings))})
    other = dict(common, **{"Content-Security-Policy": NOT_A_PAGE_POLICY})
    return page, other


def security_headers_tween_factory(handler, registry):
    page, other = security_headers(registry.settings)

    def tween(request):
        response = handler(request)
        chosen = page if response.content_type == "text/html" else other
        for name, value in chosen.items():
            response.headers.setdefault(name, value)
        return response

    return tween


def includeme(config):
    # Above the undecodable-address tween (itself above everything else):
    # its 400 page gets the headers too.
    config.add_tween("orderflow.adapters.web.headers.security_headers_tween_factory",
                     under=INGRESS,
                     over="orderflow.adapters.web.addresses.undecodable_address_tween_factory")

"""Rate limits per client address: checkout creation and admin login (SPEC §12).

Every order opens a Stripe session (which spends the shop's Stripe rate
limit) and is stored for good; every login costs an Argon2 hash. So the
routes that do either count POSTs per client address and answer 429 with
Retry-After past the limit, before the view (or the database) is touched.

The counts live in memory, per process: N processes allow N times the
limit, and a restart forgets them. The reverse proxy adds a global limit
(docs/deployment.md).
"""

import collections
import ipaddress
import math
import threading
import time

from pyramid.events import ContextFound, subscriber
from pyramid.view import exception_view_config

from ...settings import parse_rate, trusted_networks
from .errors import json_error
from .pages_errors import PAGES, TEMPLATE, error_page

# POSTs to these routes are counted, by limit name (orderflow.rate_limit.NAME).
# The JSON API and the shop's form share one checkout count per address.
LIMITED_ROUTES = {
    "api.checkout": "checkout",
    "shop.checkout": "checkout",
    "admin.login": "login",
}
# Addresses remembered per limit: an attacker rotating addresses pushes out
# the least recently seen ones instead of growing the table without end.
CAPACITY = 10_000


class RateLimiter:
    """At most `limit` hits per key in any `window` seconds (a sliding log).

    Pure: the caller passes the time, so tests need no clock and no sleep.
    Thread-safe; memory is bounded by `capacity` keys of `limit` times each.
    """

    def __init__(self, limit, window, capacity=CAPACITY):
        self.limit, self.window, self.capacity = limit, window, capacity
        self._hits = collections.OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key, now):
        """Count a request of `key` at `now`: None if allowed, else seconds to wait.

        A refused request is not counted: service returns once the oldest
        counted request leaves the window, however hard the client insists.
        """
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                hits = self._hits[key] = collections.deque(maxlen=self.limit)
                if len(self._hits) > self.capacity:
                    self._hits.popitem(last=False)
            else:
                self._hits.move_to_end(key)
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return hits[0] + self.window - now
            hits.append(now)
            return None

    def __len__(self):
        return len(self._hits)


class RateLimited(Exception):
    def __init__(self, name, seconds):
        super().__init__(name, seconds)
        self.name = name
        # Whole seconds for Retry-After, rounded up so that a client that
        # waits that long is served.
        self.seconds = max(1, math.ceil(seconds))


class RateLimits:
    """The process's limiters, from the settings; `clock` is swappable for tests."""

    def __init__(self, settings, clock=time.monotonic):
        self.clock = clock
        self.trusted = trusted_networks(settings["orderflow.trusted_proxies"])
        self.limiters = {}
        for name in set(LIMITED_ROUTES.values()):
            rate = parse_rate(settings[f"orderflow.rate_limit.{name}"])
            if rate is not None:
                self.limiters[name] = RateLimiter(*rate)

    def check(self, name, address):
        limiter = self.limiters.get(name)
        wait = limiter.hit(address, self.clock()) if limiter is not None else None
        if wait is not None:
            raise RateLimited(name, wait)


def _within(address, networks):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def address_key(address):
    """The key a client is counted under: its IPv4 address, or its IPv6 /64.

    One IPv6 host usually holds a whole /64 and could count each address
    apart. Text that is not an address is kept (shortened): it still names
    whoever sent it.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_address(environ, trusted):
    """The client's address: REMOTE_ADDR, or behind a trusted proxy the
    right-most X-Forwarded-For entry that is not one of our proxies.

    Entries left of that were written by the client (or proxies we do not
    know) and could be anything.
    """
    peer = environ.get("REMOTE_ADDR", "")
    if not _within(peer, trusted):
        return address_key(peer)
    hops = [hop.strip() for hop in environ.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    for hop in reversed(hops):
        if not _within(hop, trusted):
            return address_key(hop)
    # Only our own proxies: the one farthest from us is the client.
    return address_key(hops[0] if hops else peer)


@subscriber(ContextFound)
def limit_rate(event):
    # ContextFound: the route is known, no view has run and no database
    # connection is open yet.
    request = event.request
    route = request.matched_route
    name = LIMITED_ROUTES.get(route.name) if route is not None else None
    if name is None or request.method != "POST":
        return
    # A request re-run after a database conflict (pyramid_retry keeps the
    # environ) was counted once already.
    if request.environ.get("orderflow.rate_counted"):
        return
    request.environ["orderflow.rate_counted"] = True
    request.registry["orderflow.rate_limits"].check(name, request.client_address)


def wait_text(seconds):
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"


@exception_view_config(RateLimited, path_info=r"^/api/")
def rate_limited_json(exc, request):
    answer = json_error(request, 429, "rate_limited",
                        f"too many requests; try again in {wait_text(exc.seconds)}")
    answer.headers["Retry-After"] = str(exc.seconds)
    return answer


@exception_view_config(RateLimited, path_info=PAGES, renderer=TEMPLATE)
def rate_limited_page(exc, request):
    request.response.headers["Retry-After"] = str(exc.seconds)
    charged = " Nothing was charged." if exc.name == "checkout" else ""
    return error_page(request, 429, "Too many requests",
                      f"Too many requests from your address.{charged} "
                      f"Please try again in {wait_text(exc.seconds)}.")


def includeme(config):
    limits = RateLimits(config.get_settings())
    config.registry["orderflow.rate_limits"] = limits
    config.add_request_method(lambda request: client_address(request.environ, limits.trusted),
                              "client_address", reify=True)
    config.scan(__name__)

"""A small local stand-in for Stripe's API, for the real SDK to talk to.

It serves the three Checkout Session calls orderflow makes, answers in
Stripe's JSON shapes (objects and errors), honours Idempotency-Key the way
Stripe does, and records every request so tests can read what the SDK sent.
It runs on a free port of 127.0.0.1 in a thread of the test process.
"""

from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import json
import re
import secrets
import threading
import time
from urllib.parse import parse_qsl, urlsplit

SESSION_PATH = re.compile(r"^/v1/checkout/sessions/(?P<id>[^/]+)$")
EXPIRE_PATH = re.compile(r"^/v1/checkout/sessions/(?P<id>[^/]+)/expire$")

# Failures a test can ask for: (HTTP status, Stripe's error object).
FAILURES = {
    500: {"type": "api_error", "code": None,
          "message": "An unknown error occurred on Stripe's end."},
    402: {"type": "card_error", "code": "card_declined", "decline_code": "generic_decline",
          "message": "Your card was declined."},
    401: {"type": "invalid_request_error", "code": None,
          "message": "Invalid API Key provided: {redacted}"},
}


@dataclass
class Recorded:
    """One request as the stub received it."""

    method: str
    path: str
    headers: dict  # lower-case names
    form: list  # (key, value) pairs as parse_qsl returns them
    query: list = field(default_factory=list)

    @property
    def fields(self):
        return dict(self.form)


def nest(pairs):
    """Bracket-syntax form fields (`a[0][b]=1`) as nested dicts and lists."""
    root = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node):
    if not isinstance(node, dict):
        return node
    if node and all(k.isdigit() for k in node):
        return [_lists(node[k]) for k in sorted(node, key=int)]
    return {k: _lists(v) for k, v in node.items()}


def _error(status, type_, message, code=None, **extra):
    return status, {"error": {"type": type_, "message": message, "code": code, **extra}}


class StripeStub:
    def __init__(self):
        self.sessions = {}
        self.intents = {}
        self.refunds = {}
        self.requests = []
        self._failures = []
        self._idempotent = {}  # key -> (fingerprint, status, body)
        self._lock = threading.Lock()
        self._server = None
        self._thread = None

    # -- life --------------------------------------------------------------

    def start(self):
        stub = self

        class Handler(_Handler):
            pass

        Handler.stub = stub
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=10)
            self._server = None

    @property
    def base_url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- knobs -------------------------------------------------------------

    def fail_next(self, status, times=1):
        """The next `times` requests answer `status` (500, 402 or 401).

        Like a failure in front of Stripe's idempotency layer, these answers
        are not remembered under the request's Idempotency-Key.
        """
        if status not in FAILURES:
            raise ValueError(f"no canned failure for {status}")
        with self._lock:
            self._failures.extend([status] * times)

    def complete(self, session_id, payment_status="paid"):
        """The customer finished paying: the session is complete.

        `unpaid` is an async method (a bank debit) still processing.
        """
        with self._lock:
            session = self.sessions[session_id]
            intent_id = f"pi_test_{secrets.token_hex(12)}"
            self.intents[intent_id] = {
                "id": intent_id, "object": "payment_intent",
                "amount": session["amount_total"], "currency": session["currency"],
                "status": "succeeded" if payment_status == "paid" else "processing",
            }
            session.update(status="complete", payment_status=payment_status, url=None,
                           payment_intent=intent_id)
            return dict(session)

    def fail_async(self, session_id):
        """The processing async payment failed: as Stripe leaves it, the session
        stays complete and unpaid, and its intent wants a payment method."""
        with self._lock:
            session = self.sessions[session_id]
            self.intents[session["payment_intent"]]["status"] = "requires_payment_method"

    def posts(self, path="/v1/checkout/sessions"):
        return [r for r in self.requests if r.method == "POST" and r.path == path]

    # -- the API -----------------------------------------------------------

    def handle(self, recorded):
        """(status, body dict, extra headers) for one request."""
        with self._lock:
            self.requests.append(recorded)
            if self._failures:
                status = self._failures.pop(0)
                error = dict(FAILURES[status])
                error["message"] = error["message"].format(
                    redacted=_redacted(recorded.headers.get("authorization", "")))
                return status, {"error": error}, {}
            key = recorded.headers.get("idempotency-key")
            if recorded.method != "POST" or not key:
                return (*self._route(recorded), {})
            fingerprint = (recorded.path, sorted(recorded.form))
            if key in self._idempotent:
                first, status, body = self._idempotent[key]
                if first != fingerprint:
                    return (*_error(
                        400, "idempotency_error",
                        "Keys for idempotent requests can only be used with the same "
                        f"parameters they were first used with. Try using a key other "
                        f"than '{key}' if you meant to execute a different request."),
                        {})
                return status, body, {"Idempotent-Replayed": "true"}
            status, body = self._route(recorded)
            self._idempotent[key] = (fingerprint, status, body)
            return status, body, {}

    def _route(self, r):
        if r.method == "POST" and r.path == "/v1/checkout/sessions":
            return self._create(nest(r.form))
        match = SESSION_PATH.match(r.path)
        if r.method == "GET" and match:
            return self._expanded(self._retrieve(match["id"]), r.query)
        match = EXPIRE_PATH.match(r.path)
        if r.method == "POST" and match:
            return self._expanded(self._expire(match["id"]), r.form)
        if r.method == "POST" and r.path == "/v1/refunds":
            return self._refund(nest(r.form))
        return _error(404, "invalid_request_error",
                      f"Unrecognized request URL ({r.method}: {r.path}).")

    def _create(self, params):
        for name in ("mode", "line_items", "success_url"):
            if name not in params:
                return _error(400, "invalid_request_error", f"Missing required param: {name}.",
                              "parameter_missing", param=name)
        items = params["line_items"]
        amount = sum(int(i["price_data"]["unit_amount"]) * int(i["quantity"]) for i in items)
        session_id = f"cs_test_{secrets.token_hex(16)}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": params["mode"],
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": amount,
            "currency": items[0]["price_data"]["currency"],
            "metadata": params.get("metadata", {}),
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"),
            "payment_intent": None,
            "success_url": params["success_url"],
            "cancel_url": params.get("cancel_url"),
            "created": int(time.time()),
            "expires_at": int(params.get("expires_at") or time.time() + 86400),
            "livemode": False,
        }
        self.sessions[session_id] = session
        return 200, dict(session)

    def _retrieve(self, session_id):
        session = self.sessions.get(session_id)
        if session is None:
            return _missing(session_id)
        return 200, dict(session)

    def _expanded(self, answer, params):
        """Like Stripe: `expand[]=payment_intent` puts the intent object in
        place of its id (GET sends it in the query, POST in the form)."""
        status, body = answer
        expand = nest(params).get("expand", [])
        if status == 200 and "payment_intent" in expand and body.get("payment_intent"):
            body = {**body, "payment_intent": dict(self.intents[body["payment_intent"]])}
        return status, body

    def _expire(self, session_id):
        session = self.sessions.get(session_id)
        if session is None:
            return _missing(session_id)
        if session["status"] != "open":
            return _error(
                400, "invalid_request_error",
                'Only Checkout Sessions with a status in ["open"] can be expired. '
                f'This Checkout Session has a status of "{session["status"]}".')
        session.update(status="expired", url=None)
        return 200, dict(session)


    def _refund(self, params):
        """POST /v1/refunds, as Stripe checks it: a succeeded payment intent,
        an amount no larger than what remains, one of the reasons."""
        intent = self.intents.get(params.get("payment_intent"))
        if intent is None:
            return _error(400, "invalid_request_error",
                          f"No such payment_intent: '{params.get('payment_intent')}'",
                          "resource_missing", param="payment_intent")
        reason = params.get("reason")
        if reason not in (None, "duplicate", "fraudulent", "requested_by_customer"):
            return _error(400, "invalid_request_error", f"Invalid reason: {reason}",
                          param="reason")
        refunded = sum(r["amount"] for r in self.refunds.values()
                       if r["payment_intent"] == intent["id"]
                       and r["status"] in ("pending", "succeeded"))
        amount = int(params.get("amount", intent["amount"] - refunded))
        if amount > intent["amount"] - refunded:
            return _error(400, "invalid_request_error",
                          f"Refund amount ({amount}) is greater than unrefunded amount on "
                          f"charge ({intent['amount'] - refunded})", "amount_too_large",
                          param="amount")
        refund_id = f"re_test_{secrets.token_hex(12)}"
        self.refunds[refund_id] = refund = {
            "id": refund_id, "object": "refund", "amount": amount,
            "charge": f"ch_test_{intent['id'][8:]}", "currency": intent["currency"],
            "payment_intent": intent["id"], "reason": reason, "status": "succeeded",
            "failure_reason": None, "created": int(time.time()),
            "metadata": params.get("metadata", {}),
        }
        return 200, dict(refund)


def _missing(session_id):
    return _error(404, "invalid_request_error", f"No such checkout.session: '{session_id}'",
                  "resource_missing", param="session")


def _redacted(authorization):
    # Stripe shows only the end of a wrong key, never the whole of it.
    key = authorization.removeprefix("Bearer ")
    return f"{key[:8]}{'*' * 8}{key[-4:]}"


class _Handler(BaseHTTPRequestHandler):
    stub = None

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def _serve(self, method):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8") if length else ""
        recorded = Recorded(
            method=method, path=url.path,
            headers={k.lower(): v for k, v in self.headers.items()},
            form=parse_qsl(body, keep_blank_values=True),
            query=parse_qsl(url.query, keep_blank_values=True),
        )
        status, payload, headers = self.stub.handle(recorded)
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", f"req_{secrets.token_hex(7)}")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        pass  # keep test output clean

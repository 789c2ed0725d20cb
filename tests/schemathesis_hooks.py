"""schemathesis hooks (loaded through SCHEMATHESIS_HOOKS by test_schemathesis.py).

A fuzzer cannot sign, so every webhook it sends would stop at the
signature check. Its positive cases are what Stripe itself could send: they
are signed here with the test suite's webhook secret, so that random event
shapes reach the event translation and the order rules (never a 5xx, SPEC
§8). Its negative cases stay as generated: they test the refusals.
"""

import itertools
import json

import schemathesis
from schemathesis import GenerationMode
import stripe

from orderflow.adapters.web.openapi import DOCUMENT
from tests.conftest import WEBHOOK_SECRET

WEBHOOK = "/api/payments/webhook"
_numbers = itertools.count(1)
# The types the app handles, as the description lists them. The generator
# seldom picks them out of "any string", so most signed cases get one.
HANDLED = json.loads(DOCUMENT)["components"]["schemas"]["StripeEvent"]["properties"]["type"][
    "anyOf"][0]["enum"]


@schemathesis.hook
def before_call(context, case, kwargs):
    meta = case.meta
    if case.operation.path != WEBHOOK or meta is None:
        return
    if meta.generation.mode != GenerationMode.POSITIVE or not isinstance(case.body, dict):
        return
    # A new event id each time: the generator repeats its ids, and a repeated
    # id is only ever a duplicate, which never reaches the rules.
    number = next(_numbers)
    body = {**case.body, "id": f"evt_fuzz_{number}"}
    if number % (len(HANDLED) + 1):
        body["type"] = HANDLED[number % (len(HANDLED) + 1) - 1]
    case.body = body
    # The bytes requests sends for a JSON body (requests' own json.dumps).
    body = json.dumps(case.body, allow_nan=False)
    headers = dict(case.headers or {})
    headers["Stripe-Signature"] = stripe.WebhookSignature.generate_signature_header(
        body, WEBHOOK_SECRET)
    case.headers = headers

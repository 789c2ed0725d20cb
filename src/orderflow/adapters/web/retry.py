"""Back-off between the attempts of a request that hit a database conflict.

Requests that conflicted once tend to conflict again if they are re-run at
once, in step with each other (the same index bucket split by several
webhooks at the same moment). A short random pause spreads them out.
"""

import random
import time

from pyramid_retry import IBeforeRetry

BASE_SECONDS = 0.002
CAP_SECONDS = 0.1


def back_off(event):
    attempt = event.environ.get("retry.attempt", 0)
    time.sleep(random.uniform(0, min(CAP_SECONDS, BASE_SECONDS * 2 ** attempt)))


def includeme(config):
    config.add_subscriber(back_off, IBeforeRetry)

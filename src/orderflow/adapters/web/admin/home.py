"""The admin's front page: webhook health (SPEC §10)."""

from datetime import timedelta

from pyramid.view import view_config

from ....ports.listings import EventListing
from ..refusals import RefusalRecorder
from .helpers import page
from .security import PERMISSION

WINDOW = timedelta(hours=24)
OUTCOMES = ("applied", "ignored", "unmatched")
SHOWN_REFUSALS = 10


@view_config(route_name="admin.home", request_method="GET", permission=PERMISSION,
             renderer="orderflow:adapters/web/templates/admin/home.jinja2")
def home(request):
    # Stored events from their counts by the hour; refusals from this
    # process's memory, as they store nothing.
    since = request.now - WINDOW
    recent = request.find_service(EventListing).recent(since)
    refusals = request.find_service(RefusalRecorder).summary()
    counts = {name: recent.counts.get(name, 0) for name in OUTCOMES}
    counts.update({k: v for k, v in recent.counts.items() if k not in counts})
    return page(request, recent=recent, since=since, counts=counts, refusals=refusals,
                latest_refusals=refusals.latest[:SHOWN_REFUSALS])

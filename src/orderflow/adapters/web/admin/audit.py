"""The admin log page: every admin action with who did it, newest first."""

from pyramid.view import view_config

from ....ports.audit import AuditLog
from ..forms import text
from .helpers import page
from .security import PERMISSION

PAGE_SIZE = 50


@view_config(route_name="admin.audit", request_method="GET", permission=PERMISSION,
             renderer="orderflow:adapters/web/templates/admin/audit.jinja2")
def audit_log(request):
    cursor = text(request.params, "cursor")[:200]
    found = request.find_service(AuditLog).page(cursor=cursor or None, limit=PAGE_SIZE)
    return page(request, entries=found.items, next_cursor=found.next_cursor)

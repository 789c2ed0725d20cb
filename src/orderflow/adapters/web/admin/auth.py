"""Admin login and logout."""

import math
import re

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.security import forget, remember
from pyramid.view import view_config

from ....ports.users import AdminUsers, PasswordHasher
from ....services.admins import LoginThrottle, TooManyFailures, authenticate
from ..forms import text
from .helpers import page
from .security import PERMISSION

# One message for an unknown name and a wrong password: the answer must not
# tell which names exist. (Unknown names are locked out like known ones, so
# the lockout's own message tells nothing either.)
LOGIN_FAILED = "Wrong name or password."


# A path under /admin, with an optional query, in the characters a URL may
# hold unencoded: no control characters (WebOb refuses them in a Location
# header), no space, no backslash (browsers read it as "/").
NEXT = re.compile(r"/admin(?:[/?][A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*)?")


def safe_next(request):
    # Only back into the admin: never an open redirect to another site.
    target = text(request.params, "next")
    if (NEXT.fullmatch(target) and "//" not in target and "/.." not in target
            and not target.startswith("/admin/login")):
        return target
    return request.route_path("admin.orders")


@view_config(route_name="admin.login", request_method="GET",
             renderer="orderflow:adapters/web/templates/admin/login.jinja2")
def login_form(request):
    if request.authenticated_userid:
        return HTTPSeeOther(safe_next(request))
    return page(request, error=None, name="", next=safe_next(request))


@view_config(route_name="admin.login", request_method="POST",
             renderer="orderflow:adapters/web/templates/admin/login.jinja2")
def login(request):
    # A name or password sent as a file counts as missing: a failed login.
    name = text(request.POST, "name")
    password = text(request.POST, "password")
    users = request.find_service(AdminUsers)
    try:
        userid = authenticate(users, request.find_service(PasswordHasher),
                              request.find_service(LoginThrottle), name, password,
                              request.client_address, request.now)
    except TooManyFailures as locked:
        seconds = max(1, math.ceil(locked.retry_after.total_seconds()))
        minutes = math.ceil(seconds / 60)
        request.response.status_int = 429
        request.response.headers["Retry-After"] = str(seconds)
        return page(request, name=name, next=safe_next(request), error=(
            "Too many failed attempts. "
            f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."))
    if userid is None:
        return page(request, error=LOGIN_FAILED, name=name, next=safe_next(request))
    headers = remember(request, userid)
    return HTTPSeeOther(safe_next(request), headers=headers)


@view_config(route_name="admin.logout", request_method="POST", permission=PERMISSION)
def logout(request):
    headers = forget(request)
    return HTTPSeeOther(request.route_url("admin.login"), headers=headers)

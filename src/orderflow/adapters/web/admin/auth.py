"""Admin login and logout."""

import re

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.security import forget, remember
from pyramid.view import view_config

from ....ports.users import AdminUsers, PasswordHasher
from ....services.admins import authenticate
from ..forms import text
from .helpers import page
from .security import PERMISSION

# One message for an unknown name, a wrong password and a locked account:
# the answer must not tell which names exist.
LOGIN_FAILED = "Wrong name or password, or too many attempts: wait a few minutes and try again."


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
    userid = authenticate(users, request.find_service(PasswordHasher), name, password,
                          request.now)
    if userid is None:
        # Status 200 keeps the transaction: the failure count must be saved.
        return page(request, error=LOGIN_FAILED, name=name, next=safe_next(request))
    headers = remember(request, userid)
    return HTTPSeeOther(safe_next(request), headers=headers)


@view_config(route_name="admin.logout", request_method="POST", permission=PERMISSION)
def logout(request):
    headers = forget(request)
    return HTTPSeeOther(request.route_url("admin.login"), headers=headers)


@view_config(route_name="admin.home", permission=PERMISSION)
def home(request):
    return HTTPSeeOther(request.route_url("admin.orders"))

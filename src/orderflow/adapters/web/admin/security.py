"""Who is logged in to the admin, from the signed session cookie."""

import secrets

from pyramid.httpexceptions import HTTPForbidden, HTTPSeeOther
from pyramid.security import Allowed, Denied
from pyramid.view import forbidden_view_config

from ....ports.users import AdminUsers
from ....services.admins import end_sessions

SESSION_KEY = "orderflow.admin"
PERMISSION = "admin"


class AdminSecurityPolicy:
    def identity(self, request):
        # Looked up on every request that asks: a removed admin is logged out
        # at once, whatever cookie the browser still holds.
        cached = request.environ.get("orderflow.admin_identity", False)
        if cached is not False:
            return cached
        user, value = None, request.session.get(SESSION_KEY)
        if isinstance(value, list) and len(value) == 2:
            name, nonce = value
            found = request.find_service(AdminUsers).get(name)
            # A user without a nonce (stored before nonces, not logged in
            # since) matches no cookie: its old epoch cookies are refused.
            if (found is not None and isinstance(nonce, str) and found.session_nonce
                    and secrets.compare_digest(found.session_nonce, nonce)):
                user = found
        request.environ["orderflow.admin_identity"] = user
        return user

    def authenticated_userid(self, request):
        user = self.identity(request)
        return user.name if user else None

    def permits(self, request, context, permission):
        if permission == PERMISSION and self.identity(request) is not None:
            return Allowed("a logged-in admin")
        return Denied("needs a logged-in admin")

    def remember(self, request, userid, **kw):
        # A new session on login: a session id planted before login
        # (session fixation) is worth nothing afterwards.
        user = request.find_service(AdminUsers).get(userid)
        request.session.invalidate()
        request.session[SESSION_KEY] = [userid, user.session_nonce]
        request.environ.pop("orderflow.admin_identity", None)
        return []

    def forget(self, request, **kw):
        # The session lives in a signed cookie: clearing it here would not
        # stop a copy of it. A new nonce for the user does.
        user = self.identity(request)
        if user is not None:
            end_sessions(request.find_service(AdminUsers), user.name)
        request.session.invalidate()
        request.environ.pop("orderflow.admin_identity", None)
        return []


def wants_json(request):
    if request.is_xhr:
        return True
    offers = request.accept.acceptable_offers(["text/html", "application/json"])
    return bool(offers) and offers[0][0] == "application/json"


@forbidden_view_config(path_info=r"^/admin")
def forbidden(request):
    logged_in = request.authenticated_userid is not None
    if wants_json(request):
        status = 403 if logged_in else 401
        request.response.status_int = status
        request.response.json_body = {"error": {
            "code": "forbidden" if logged_in else "unauthorized",
            "message": "admin login required",
        }}
        request.response.content_type = "application/json"
        return request.response
    if logged_in:
        return HTTPForbidden()
    login = request.route_url("admin.login", _query={"next": request.path_qs})
    return HTTPSeeOther(login)

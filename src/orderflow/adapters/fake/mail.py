"""/dev/mail: the outbox, readable in a browser (development only).

Mounted with the fake gateway, like the development checkout page, so the
whole journey, mail included, can be followed offline. The HTML part is
shown in a sandboxed frame (no scripts, no same-origin access) from an
escaped `srcdoc`, under the page's own Content-Security-Policy (which a
srcdoc frame inherits: the mail templates carry no inline style); the text
part is escaped like any page text.
"""

from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from ...ports.mail import Outbox

LIST = "orderflow:adapters/fake/templates/mail_list.jinja2"
SHOW = "orderflow:adapters/fake/templates/mail_show.jinja2"


def includeme(config):
    config.add_route("dev.mail", "/dev/mail")
    config.add_route("dev.mail_message", "/dev/mail/{key}")
    config.scan(__name__)


@view_config(route_name="dev.mail", request_method="GET", renderer=LIST)
def mail_list(request):
    renderer = request.registry["orderflow.mail_renderer"]
    outbox = request.find_service(Outbox)
    messages = []
    for mail in outbox.recent(200):
        notice = outbox.get(mail.key)[1]
        messages.append((mail, renderer.subject(notice), renderer.recipients(notice)))
    return {"messages": messages}


@view_config(route_name="dev.mail_message", request_method="GET", renderer=SHOW)
def mail_message(request):
    found = request.find_service(Outbox).get(request.matchdict["key"])
    if found is None:
        raise HTTPNotFound()
    mail, notice = found
    renderer = request.registry["orderflow.mail_renderer"]
    subject, text, html = renderer.parts(notice)
    values = renderer.values(notice)
    links = [(label, values[name]) for label, name in (
        ("Receipt", "receipt_url"), ("Try again", "retry_url")) if values.get(name)]
    return {"mail": mail, "subject": subject, "text": text, "html": html,
            "recipients": renderer.recipients(notice), "sender": renderer.sender,
            "links": links if notice.audience == "customer" else []}

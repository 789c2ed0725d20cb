"""orderflow-mail INI send|list|retry: the outbox from the console.

- send: send what is due now (for `orderflow.mail_sender = external`, from cron).
- list: queued and failed messages.
- retry [KEY ...]: queue failed messages again (all of them without keys),
  then send what is due when mail goes out by SMTP.
"""

from datetime import datetime, timezone
import sys

from ...services.alerts import retry_message
from ...mail_setup import mail_sender
from ..zodb.outbox import ZodbOutbox
from .common import fail, open_env, parser


def main(argv=None, env=None, clock=lambda: datetime.now(timezone.utc)):
    args = parser("Send, list or retry the mail in the outbox.")
    args.add_argument("command", choices=("send", "list", "retry"))
    args.add_argument("keys", nargs="*", metavar="KEY", help="retry: the messages to retry")
    options = args.parse_args(argv)
    env, owned = open_env(options.ini, env)
    try:
        if options.command == "list":
            return _list(env)
        if options.command == "retry":
            retried = env.run(lambda root: _retry(ZodbOutbox(root), options.keys, clock()))
            for key in retried:
                print(f"queued again: {key}")
            print(f"{len(retried)} messages queued again")
            if options.keys and len(retried) < len(options.keys):
                return fail("some keys are not failed messages: "
                            + ", ".join(sorted(set(options.keys) - set(retried))))
        sender = mail_sender(env.registry, env.db)
        if sender is None:
            if options.command == "send":
                return fail("orderflow.mail = outbox: mail stays in the outbox (see /dev/mail)")
            return 0
        counts = sender.send_due()
        print(f"sent {counts['sent']}, delayed {counts['delayed']}, failed {counts['failed']}")
        return 1 if counts["failed"] or counts["delayed"] else 0
    finally:
        if owned:
            env.close()


def _retry(outbox, keys, now):
    keys = keys or [status.key for status in outbox.failed()]
    return [key for key in keys if retry_message(outbox, key, now)]


def _list(env):
    def read(root):
        outbox = ZodbOutbox(root)
        return outbox.queued(), outbox.failed()

    queued, failed = env.run(read)
    for title, messages in (("queued", queued), ("failed", failed)):
        print(f"{title}: {len(messages)}")
        for m in messages:
            error = f"  ({m.error})" if m.error else ""
            print(f"  {m.key}  {m.kind}  to {m.recipient}  {m.state}"
                  f"  attempts {m.attempts}{error}")
    return 0


def run():
    sys.exit(main())

"""orderflow-users INI add|passwd|remove|list [NAME] [--password-stdin]"""

import getpass
import sys

from ...domain.errors import DomainError
from ...services.admins import add_admin, change_password, remove_admin
from ..passwords import Argon2Hasher
from ..zodb.users import ZodbAdminUsers
from .common import fail, open_env, parser


NO_TERMINAL = ("no terminal to ask for the password on: pipe it in with --password-stdin, "
               "for example: printf '%s\\n' \"$PASSWORD\" | orderflow-users INI add NAME "
               "--password-stdin")


def _has_terminal(stream):
    """getpass asks on /dev/tty, or on standard input if that is a terminal."""
    try:
        with open("/dev/tty", "rb"):
            return True
    except OSError:
        return stream.isatty()


def read_password(from_stdin, stdin=None):
    if from_stdin:
        return (stdin or sys.stdin).readline().rstrip("\r\n")
    if not _has_terminal(stdin or sys.stdin):
        raise ValueError(NO_TERMINAL)
    try:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Again: "):
            raise ValueError("the two passwords differ")
    except EOFError:
        # No terminal to ask on (a pipe, a script, CI): getpass reads the
        # piped input instead, and finds it empty or ended.
        raise ValueError(NO_TERMINAL) from None
    return password


def main(argv=None, env=None, stdin=None):
    args = parser("Add, change or remove orderflow admin users.")
    args.add_argument("command", choices=("add", "passwd", "remove", "list"))
    args.add_argument("name", nargs="?")
    args.add_argument("--password-stdin", action="store_true",
                      help="read the password from the first line of standard input")
    options = args.parse_args(argv)
    if options.command != "list" and not options.name:
        return fail(f"{options.command} needs a NAME")
    hasher = Argon2Hasher()
    try:
        password = None
        if options.command in ("add", "passwd"):
            password = read_password(options.password_stdin, stdin)
    except ValueError as error:
        return fail(str(error))
    env, owned = open_env(options.ini, env)
    try:
        def work(root):
            users = ZodbAdminUsers(root)
            if options.command == "add":
                add_admin(users, hasher, options.name, password)
            elif options.command == "passwd":
                change_password(users, hasher, options.name, password)
            elif options.command == "remove":
                remove_admin(users, options.name)
            return users.names()

        names = env.run(work)
    except DomainError as error:
        return fail(getattr(error, "message", str(error)))
    finally:
        if owned:
            env.close()
    if options.command == "list":
        print("\n".join(names))
    else:
        print(f"{options.command}: {options.name} done")
    return 0


def run():
    sys.exit(main())

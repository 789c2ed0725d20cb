"""orderflow-catalog INI import FILE.json | export [FILE.json]"""

import json
import sys

from ...domain.errors import ValidationFailed
from ...services.catalog import import_catalog
from ..web.presenters import catalog_from_json, catalog_json
from ..zodb.catalog import ZodbCatalog
from .common import fail, open_env, parser


def main(argv=None, env=None):
    args = parser(
        "Import or export the product catalog (JSON). import makes the catalog match "
        "the file: products in it are added or updated, and every product missing from "
        "it is deactivated (kept for past orders, no longer for sale).")
    args.add_argument("command", choices=("import", "export"),
                      help="import: add and update the file's products and deactivate "
                           "every product missing from the file; export: write the catalog")
    args.add_argument("file", nargs="?", help="the JSON file; export writes to stdout without one")
    options = args.parse_args(argv)
    data = None
    if options.command == "import":
        if not options.file:
            return fail("import needs FILE.json")
        try:
            with open(options.file, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError) as error:
            return fail(f"cannot read {options.file}: {error}")
    env, owned = open_env(options.ini, env)
    try:
        if options.command == "import":
            products = catalog_from_json(data)
            added, updated, deactivated = env.run(
                lambda root: import_catalog(ZodbCatalog(root), products))
            print(f"imported: {added} added, {updated} updated, {deactivated} deactivated")
            return 0
        data = env.run(lambda root: catalog_json(ZodbCatalog(root).all()))
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    except ValidationFailed as error:
        details = "; ".join(f"{k}: {v}" for k, v in sorted(error.fields.items()))
        return fail(f"{error.message} ({details})")
    finally:
        if owned:
            env.close()
    if options.file:
        with open(options.file, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


def run():
    sys.exit(main())

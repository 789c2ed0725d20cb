"""What a database stores, class by class: every global its pickles name.

The walk starts at the storage's root object and follows persistent
references, reading the current record of each object: the classes of the
persistent objects (from each record's class pickle) and of every plain
object inside their state (an Order, its items, a datetime), as
"module.Name". Unpickling them also proves that each one still loads.
"""

from io import BytesIO

from ZODB._compat import Unpickler
from ZODB.serialize import referencesf
from ZODB.utils import z64


def globals_in(record):
    """The "module.Name" of every class a record's two pickles name."""
    found = set()

    class Reader(Unpickler):
        def find_class(self, module, name):
            found.add(f"{module}.{name}")
            return super().find_class(module, name)

        def persistent_load(self, reference):
            return None  # followed by the walk, not here

    reader = Reader(BytesIO(record))
    reader.load()  # the class of the persistent object
    reader.load()  # its state
    return found


def stored_classes(storage):
    """Every class named by the objects reachable from the root, sorted."""
    seen, todo, classes = set(), [z64], set()
    while todo:
        oid = todo.pop()
        if oid in seen:
            continue
        seen.add(oid)
        record, _ = storage.load(oid)
        classes |= globals_in(record)
        todo.extend(referencesf(record))
    return sorted(classes)

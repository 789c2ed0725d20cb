"""ZodbAdminUsers: admin accounts by name, as immutable values replaced whole."""

from ...ports.users import AdminUsers


class ZodbAdminUsers(AdminUsers):
    def __init__(self, root):
        self.root = root

    def get(self, name):
        return self.root.admins.get(name) if isinstance(name, str) else None

    def put(self, user):
        self.root.admins[user.name] = user

    def remove(self, name):
        del self.root.admins[name]

    def names(self):
        return list(self.root.admins.keys())

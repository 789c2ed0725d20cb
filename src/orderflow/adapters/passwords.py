"""Argon2id password hashing (argon2-cffi), behind the PasswordHasher port."""

import argon2

from ..ports.users import PasswordHasher


class Argon2Hasher(PasswordHasher):
    def __init__(self, **parameters):
        # Tests pass cheaper parameters; production keeps argon2's defaults.
        self._hasher = argon2.PasswordHasher(**parameters)

    def hash(self, password):
        return self._hasher.hash(password)

    def verify(self, password_hash, password):
        try:
            return self._hasher.verify(password_hash, password)
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False

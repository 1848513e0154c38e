"""Password hashing (argon2id), the password policy, and generated passwords."""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import hash_secret_raw

from claims.errors import ClaimreviewError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id with the library's current recommended parameters


def check_password_policy(password: str, *, username: str | None = None) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ClaimreviewError(
            f"The password is too short: use at least {MIN_PASSWORD_LENGTH} characters."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ClaimreviewError(
            f"The password is too long: use at most {MAX_PASSWORD_LENGTH} characters."
        )
    if username and password.strip().lower() == username.strip().lower():
        raise ClaimreviewError("The password must not be the username.")
    return password


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A fixed salt: the same name must give the same key (to count its failures), and the key must
# cost what a password check costs, so a leaked table cannot be read back by trying a list of
# likely names (or passwords typed into the username field) quickly.
_NAME_SALT = b"claimreview: failed logins under a name with no account"


def name_key(name: str) -> str:
    """A slow, one-way key for a username with no account, as a password check is slow."""
    hasher = _hasher()
    raw = hash_secret_raw(
        name.encode("utf-8"),
        _NAME_SALT,
        time_cost=hasher.time_cost,
        memory_cost=hasher.memory_cost,
        parallelism=hasher.parallelism,
        hash_len=32,
        type=Type.ID,
    )
    return raw.hex()


def burn_verification_time(password: str) -> None:
    """Spend what a real check costs, so an unknown username is not told apart by timing."""
    verify_password(_dummy_hash(), password)


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def generate_password() -> str:
    """A random password for a new account or a reset (about 100 bits)."""
    return secrets.token_urlsafe(16)

"""Password hashing (argon2id), the password policy, and generated passwords."""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

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


def burn_verification_time(password: str) -> None:
    """Spend what a real check costs, so an unknown username is not told apart by timing."""
    verify_password(_dummy_hash(), password)


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def generate_password() -> str:
    """A random password for a new account or a reset (about 100 bits)."""
    return secrets.token_urlsafe(16)

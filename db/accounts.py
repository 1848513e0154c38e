"""Accounts: creating and changing users, and checking a password at login.

Identity sits behind ``IdentityProvider`` (one method: who is this?), so an organisation's
single sign-on can replace the password check without touching anything else. Every change
appends an audit event in the same transaction; password hashes never enter the audit trail.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, joinedload

from claims.errors import ClaimreviewError
from claims.passwords import (
    burn_verification_time,
    check_password_policy,
    generate_password,
    hash_password,
    name_key,
    verify_password,
)
from claims.permissions import MANAGE_USERS, Actor, check_roles
from db.audit import record_event
from db.engine import Database
from db.models import LoginSession, UnknownNameFailure, User, UserRole, utcnow

FIRST_ADMIN = "admin"
# After this many consecutive failures, each further try must wait twice as long as the last.
FREE_LOGIN_FAILURES = 5
MAX_LOGIN_DELAY = timedelta(minutes=15)
FAILURE_MEMORY = timedelta(days=1)  # failures older than this no longer count
USERNAME_MAX = 80


class LoginRefused(ClaimreviewError):
    """Wrong username or password, a disabled account, or too many recent failures."""


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    roles: tuple[str, ...]
    is_active: bool
    must_change_password: bool
    last_login_at: datetime | None


def _info(user: User) -> UserInfo:
    return UserInfo(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=tuple(sorted(user.role_names)),
        is_active=user.is_active,
        must_change_password=user.must_change_password,
        last_login_at=user.last_login_at,
    )


def _snapshot(user: User) -> dict[str, object]:
    """What the audit trail records of a user: never the password hash."""
    return {
        "username": user.username,
        "display_name": user.display_name,
        "roles": sorted(user.role_names),
        "is_active": user.is_active,
        "must_change_password": user.must_change_password,
    }


def actor_for(user: User | UserInfo, channel: str = "app") -> Actor:
    roles = user.roles if isinstance(user, UserInfo) else user.role_names
    return Actor(user_id=user.id, username=user.username, roles=frozenset(roles), channel=channel)


def check_username(username: str) -> str:
    name = username.strip()
    if not name or len(name) > USERNAME_MAX or not all(c.isalnum() or c in "._-@" for c in name):
        raise ClaimreviewError(
            f"The username {username[:40]!r} is not valid: use 1 to {USERNAME_MAX} letters, "
            "digits, '.', '_', '-' or '@'."
        )
    return name


def _get(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise ClaimreviewError(
            f"There is no user {username!r}; `claimreview user list` shows the users."
        )
    return user


def count_users(database: Database) -> int:
    with database.read() as session:
        return session.scalar(select(func.count()).select_from(User)) or 0


def list_users(database: Database, actor: Actor) -> list[UserInfo]:
    actor.require(MANAGE_USERS)
    with database.read() as session:
        return [_info(u) for u in session.scalars(select(User).order_by(User.username))]


def get_user(database: Database, user_id: int) -> UserInfo | None:
    # Read on every page run (roles or status may change): the user and roles in one query.
    with database.read() as session:
        user = session.get(User, user_id, options=[joinedload(User.roles)])
        return _info(user) if user is not None else None


def create_user(
    database: Database,
    actor: Actor,
    username: str,
    roles: list[str] | tuple[str, ...],
    *,
    password: str | None = None,
    display_name: str = "",
    must_change_password: bool | None = None,
) -> tuple[UserInfo, str]:
    """Add a user; returns it with its password (generated when none is given)."""
    actor.require(MANAGE_USERS)
    username = check_username(username)
    role_set = check_roles(roles)
    generated = password is None
    password = generate_password() if password is None else password
    check_password_policy(password, username=username)
    with database.write() as session:
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            raise ClaimreviewError(f"A user named {username!r} already exists.")
        user = User(
            username=username,
            display_name=" ".join(display_name.split()),
            password_hash=hash_password(password),
            # A generated password was seen by someone else: the user must choose their own.
            must_change_password=generated
            if must_change_password is None
            else must_change_password,
            roles=[UserRole(role=r) for r in sorted(role_set)],
            password_changed_at=utcnow(),
        )
        session.add(user)
        session.flush()
        record_event(
            session,
            action="create",
            entity_type="user",
            entity_id=user.id,
            actor_id=actor.user_id,
            channel=actor.channel,
            after=_snapshot(user),
        )
        return _info(user), password


def ensure_first_admin(database: Database) -> str | None:
    """When no user exists, create ``admin`` with a random password and return it (once)."""
    if count_users(database):
        return None
    try:
        _, password = create_user(
            database, Actor.operator("system"), FIRST_ADMIN, ["admin"], display_name="Administrator"
        )
    except ClaimreviewError:
        return None  # another process created it first
    return password


def _change(
    database: Database,
    actor: Actor,
    username: str,
    action: str,
    apply: Callable[[Session, User], None],
) -> UserInfo:
    with database.write() as session:
        user = _get(session, username)
        before = _snapshot(user)
        apply(session, user)
        session.flush()
        record_event(
            session,
            action=action,
            entity_type="user",
            entity_id=user.id,
            actor_id=actor.user_id,
            channel=actor.channel,
            before=before,
            after=_snapshot(user),
        )
        return _info(user)


def set_active(database: Database, actor: Actor, username: str, active: bool) -> UserInfo:
    actor.require(MANAGE_USERS)
    if not active and actor.username == username.strip():
        raise ClaimreviewError("You cannot disable your own account; ask another administrator.")

    def apply(session: Session, user: User) -> None:
        if not active and user.is_active and "admin" in user.role_names:
            _keep_an_admin(session, user)
        user.is_active = active

    return _change(database, actor, username, "enable" if active else "disable", apply)


def set_roles(
    database: Database, actor: Actor, username: str, roles: list[str] | tuple[str, ...]
) -> UserInfo:
    actor.require(MANAGE_USERS)
    role_set = check_roles(roles)

    def apply(session: Session, user: User) -> None:
        if "admin" in user.role_names and "admin" not in role_set:
            _keep_an_admin(session, user)
        user.roles = [r for r in user.roles if r.role in role_set] + [
            UserRole(role=r) for r in sorted(role_set - user.role_names)
        ]

    return _change(database, actor, username, "set_roles", apply)


def _keep_an_admin(session: Session, leaving: User) -> None:
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .join(UserRole)
        .where(UserRole.role == "admin", User.is_active.is_(True), User.id != leaving.id)
    )
    if not others:
        raise ClaimreviewError(
            f"{leaving.username} is the last active administrator; make someone else an "
            "administrator first."
        )


def set_password(
    database: Database,
    actor: Actor,
    username: str,
    password: str,
    *,
    current_password: str | None = None,
) -> UserInfo:
    """Change a password: one's own (with the current one), or anyone's as an administrator.

    An administrator's reset makes the user choose a new password at their next login.
    """
    own = actor.user_id is not None and actor.username == username.strip()
    if not own:
        actor.require(MANAGE_USERS)
    check_password_policy(password, username=username)

    def apply(session: Session, user: User) -> None:
        if (
            own
            and current_password is not None
            and not verify_password(user.password_hash, current_password)
        ):
            raise ClaimreviewError("The current password is wrong; nothing was changed.")
        if own and verify_password(user.password_hash, password):
            raise ClaimreviewError("Choose a password different from the current one.")
        user.password_hash = hash_password(password)
        user.password_changed_at = utcnow()
        user.must_change_password = not own
        user.failed_logins = 0

    action = "change_password" if own else "reset_password"
    return _change(database, actor, username, action, apply)


def login_delay(failed_logins: int) -> timedelta:
    """How long after the last failure the next try must wait."""
    if failed_logins < FREE_LOGIN_FAILURES:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (failed_logins - FREE_LOGIN_FAILURES)), MAX_LOGIN_DELAY)


class IdentityProvider(Protocol):
    """Who is this? The one question the app asks of an identity system."""

    def authenticate(self, username: str, password: str) -> UserInfo: ...


class PasswordIdentity:
    """Local accounts: username and an argon2 password hash in the database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def authenticate(
        self, username: str, password: str, *, now: datetime | None = None
    ) -> UserInfo:
        now = now or utcnow()
        refused = LoginRefused("Wrong username or password.")
        name = username.strip()
        with self.database.write() as session:
            user = session.scalar(select(User).where(User.username == name))
            if user is None:
                failure = _unknown_name_failure(session, name, now) or refused
            elif throttled := _throttled(name, user.failed_logins, user.last_failed_login_at, now):
                burn_verification_time(password)  # as long as any other refusal takes
                failure = throttled
            elif not verify_password(user.password_hash, password):
                user.failed_logins = _recent(user.failed_logins, user.last_failed_login_at, now) + 1
                user.last_failed_login_at = now
                record_event(
                    session,
                    action="login_failed",
                    entity_type="user",
                    entity_id=user.id,
                    channel="app",
                    after={"failed_logins": user.failed_logins},
                )
                failure = refused
            elif not user.is_active:
                failure = LoginRefused(
                    "This account is disabled; ask an administrator to enable it."
                )
            else:
                user.failed_logins = 0
                user.last_failed_login_at = None
                user.last_login_at = now
                record_event(
                    session,
                    action="login",
                    entity_type="user",
                    entity_id=user.id,
                    actor_id=user.id,
                    channel="app",
                )
                return _info(user)
        raise failure  # after the commit, so the failure count is kept


def _recent(failures: int, last_failure: datetime | None, now: datetime) -> int:
    """Failures that still count: a name's failures are forgotten a day after its last one,
    for every name alike, so the throttle never tells real usernames from others."""
    if last_failure is None or now - last_failure > FAILURE_MEMORY:
        return 0
    return failures


def _throttled(
    name: str, failures: int, last_failure: datetime | None, now: datetime
) -> LoginRefused | None:
    """The refusal while a name must still wait after its failures (one message for all names)."""
    failures = _recent(failures, last_failure, now)
    if last_failure is None or failures == 0:
        return None
    wait_until = last_failure + login_delay(failures)
    if now >= wait_until:
        return None
    seconds = max(1, int((wait_until - now).total_seconds() + 0.999))
    return LoginRefused(f"Too many failed logins for {name}; try again in {seconds} s.")


def _unknown_name_failure(session: Session, name: str, now: datetime) -> LoginRefused | None:
    """Count a failure under a name with no account, throttled as a real name would be.

    Kept only by a slow one-way key of the name (what people type as a username is sometimes
    their password); computing it takes what a password check takes, so the refusal takes as
    long as a real name's."""
    key = name_key(name)
    row = session.get(UnknownNameFailure, key)
    failures = _recent(row.failed_logins, row.last_failed_login_at, now) if row else 0
    if row is not None and (throttled := _throttled(name, failures, row.last_failed_login_at, now)):
        return throttled
    # Names whose failures no longer count are dropped: a flood of made-up names stays a day.
    session.execute(
        delete(UnknownNameFailure).where(
            UnknownNameFailure.last_failed_login_at < now - FAILURE_MEMORY
        )
    )
    # One statement for a first and a later failure: two at once under one name cannot clash.
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(UnknownNameFailure)
        .values(username_hash=key, failed_logins=1, last_failed_login_at=now)
        .on_conflict_do_update(
            index_elements=["username_hash"],
            set_={"failed_logins": failures + 1, "last_failed_login_at": now},
        )
    )
    return None


def default_session_timeout() -> timedelta:
    minutes = os.environ.get("CLAIMREVIEW_SESSION_TIMEOUT_MINUTES", "60")
    try:
        value = float(minutes)
    except ValueError:
        value = 60.0
    return timedelta(minutes=value if value > 0 else 60.0)


# --- Logins remembered across page reloads ------------------------------------------------------

# A session's last activity is written at most this often (one small write a minute per user).
SEEN_RESOLUTION = timedelta(seconds=60)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(database: Database, user_id: int) -> str:
    """A new login session for a user; returns the token the browser keeps (never stored)."""
    token = secrets.token_urlsafe(32)
    with database.write() as session:
        session.add(LoginSession(token_hash=_token_hash(token), user_id=user_id))
    return token


def resume_session(
    database: Database, token: str, *, idle: timedelta | None = None, now: datetime | None = None
) -> UserInfo | None:
    """The user of a live session token, or None (unknown, ended, idle too long, disabled).

    Called on every page draw: it reads, and writes only to end a session or, at most once a
    minute, to note that it is still in use.
    """
    now = now or utcnow()
    idle = idle or default_session_timeout()
    digest = _token_hash(token)
    with database.read() as session:
        row = session.execute(
            select(LoginSession, User)
            .join(User, User.id == LoginSession.user_id)
            .where(LoginSession.token_hash == digest)
        ).first()
        if row is None or row[0].ended_at is not None:
            return None
        login, user = row
        alive = now - login.last_seen_at <= idle and user.is_active
        info = _info(user) if alive else None
        stale = now - login.last_seen_at >= SEEN_RESOLUTION
    if not alive or stale:
        # No page shows a session's last use from a cache: the data version stays (every
        # signed-in browser notes its use once a minute).
        with database.write(versioned=False) as session:
            values = {"last_seen_at": now} if alive else {"ended_at": now}
            session.execute(
                update(LoginSession).where(LoginSession.token_hash == digest).values(**values)
            )
    return info


def end_session(database: Database, token: str) -> None:
    with database.write() as session:
        login = session.scalar(
            select(LoginSession).where(LoginSession.token_hash == _token_hash(token))
        )
        if login is not None and login.ended_at is None:
            login.ended_at = utcnow()

"""Query passwords: argon2id hashing on arrival, verification, and equal time for unknown case numbers."""

from __future__ import annotations

import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.config import Settings


@lru_cache(maxsize=8)
def _hasher(time_cost: int, memory_cost: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)


def _hasher_for(settings: Settings) -> PasswordHasher:
    return _hasher(settings.argon2_time_cost, settings.argon2_memory_cost)


def hash_password(plain: str, settings: Settings) -> str:
    """An argon2id hash of the password with the configured costs (the salt is random)."""
    return _hasher_for(settings).hash(plain)


def verify_password(password_hash: str, plain: str, settings: Settings) -> bool:
    """Whether the password matches the hash; a malformed hash is a mismatch, never an exception."""
    try:
        return _hasher_for(settings).verify(password_hash, plain)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str, settings: Settings) -> bool:
    """Whether the hash was made with other costs than the configured ones."""
    try:
        return _hasher_for(settings).check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@lru_cache(maxsize=8)
def _dummy_hash(time_cost: int, memory_cost: int) -> str:
    # A random secret nobody knows: the dummy verification can never succeed.
    return _hasher(time_cost, memory_cost).hash(secrets.token_urlsafe(24))


def dummy_verify(plain: str, settings: Settings) -> bool:
    """Spend the time of one verification for a case number that does not exist; always False."""
    dummy = _dummy_hash(settings.argon2_time_cost, settings.argon2_memory_cost)
    verify_password(dummy, plain, settings)
    return False

"""Signing keys for access and ID tokens (RS256, the one algorithm kamp signs and accepts).

The newest active key signs. `kamp keys rotate` adds a new key and retires the old one; a
retired key stays published in the JWKS for a day, far longer than any token it signed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kamp import clock
from kamp.auth.crypto import decrypt, encrypt
from kamp.auth.oauth.models import SigningKey
from kamp.db import transaction

ALGORITHM = "RS256"
RETIRED_KEYS_PUBLISHED_FOR = timedelta(days=1)


@dataclass(frozen=True)
class KeyRing:
    signing: RSAKey
    public: KeySet
    loaded_at: float

    @property
    def kid(self) -> str:
        kid = self.signing.kid
        assert kid is not None  # keys are made with auto_kid and loaded with their kid
        return kid

    def jwks(self) -> Mapping[str, object]:
        return self.public.as_dict(private=False)


def _new_key(secret_key: str) -> SigningKey:
    key = RSAKey.generate_key(2048, parameters={"alg": ALGORITHM, "use": "sig"}, auto_kid=True)
    return SigningKey(
        kid=key.kid,
        algorithm=ALGORITHM,
        private_key_encrypted=encrypt(secret_key, key.as_pem(private=True).decode()),
        public_jwk=key.as_dict(private=False),
        active=True,
    )


async def rotate(session: AsyncSession, *, secret_key: str) -> SigningKey:
    """Start signing with a new key; the previous ones keep verifying for a while."""
    for key in await session.scalars(select(SigningKey).where(SigningKey.active.is_(True))):
        key.active = False
        key.retired_at = clock.now()
    key = _new_key(secret_key)
    session.add(key)
    await session.flush()
    return key


async def load_key_ring(session: AsyncSession, *, secret_key: str) -> KeyRing:
    """The current keys; the first call on a new database creates the first key."""
    rows = list(
        await session.scalars(
            select(SigningKey)
            .where(
                or_(
                    SigningKey.active.is_(True),
                    SigningKey.retired_at > clock.now() - RETIRED_KEYS_PUBLISHED_FOR,
                )
            )
            .order_by(SigningKey.created_at.desc())
        )
    )
    active = [row for row in rows if row.active]
    if not active:
        row = await rotate(session, secret_key=secret_key)
        rows.insert(0, row)
        active = [row]
    signing = RSAKey.import_key(
        decrypt(secret_key, active[0].private_key_encrypted),
        parameters={"kid": active[0].kid, "alg": ALGORITHM, "use": "sig"},
    )
    public = KeySet([RSAKey.import_key(dict(row.public_jwk)) for row in rows])
    return KeyRing(signing=signing, public=public, loaded_at=time.monotonic())


class KeyRingCache:
    """The process's view of the key ring, reloaded every minute, or sooner when a token
    names a key this process has not seen (another process may have rotated)."""

    TTL_SECONDS = 60.0
    MIN_RELOAD_SECONDS = 5.0

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], secret_key: str) -> None:
        self.session_factory = session_factory
        self.secret_key = secret_key
        self._ring: KeyRing | None = None
        self._lock = asyncio.Lock()

    async def get(self, *, unknown_kid: str | None = None) -> KeyRing:
        ring = self._ring
        stale = ring is None or time.monotonic() - ring.loaded_at > self.TTL_SECONDS
        if ring is not None and unknown_kid and not stale:
            known = {key.kid for key in ring.public.keys}
            recent = time.monotonic() - ring.loaded_at < self.MIN_RELOAD_SECONDS
            stale = unknown_kid not in known and not recent
        if ring is not None and not stale:
            return ring
        async with self._lock, transaction(self.session_factory) as session:
            self._ring = await load_key_ring(session, secret_key=self.secret_key)
        return self._ring

"""Every setting of kamp, read from KAMP_* environment variables.

The defaults are the embedded setup: a SQLite file under var/, jobs in-process, an in-memory
broker and mail kept in the outbox table. Production sets KAMP_ENV=production and points the
URLs at PostgreSQL, Redis and SMTP.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

# The repository root: alembic/, frontend/ and var/ live there.
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SECRET = "insecure-development-secret-change-me"  # noqa: S105 - refused in production


class SettingsError(RuntimeError):
    """A setting is missing or unsafe for the chosen environment."""


def _env(name: str, default: str) -> str:
    return os.environ.get(f"KAMP_{name}", default)


def _env_int(name: str, default: int) -> int:
    raw = _env(name, str(default))
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"KAMP_{name} must be an integer, got {raw!r}") from exc


def _default_database_url() -> str:
    return f"sqlite+aiosqlite:///{ROOT / 'var' / 'kamp.db'}"


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    database_url: str = field(default_factory=_default_database_url)
    redis_url: str = ""
    secret_key: str = DEFAULT_SECRET
    base_url: str = "http://127.0.0.1:8000"
    smtp_url: str = ""
    mail_from: str = "kamp <no-reply@kamp.local>"
    log_level: str = "INFO"
    session_hours: int = 24 * 14
    invitation_hours: int = 24 * 7
    login_attempts: int = 10
    login_window_seconds: int = 900
    # Sign-in attempts from one address whatever the email (a password sprayed over many
    # accounts), invitation acceptances per address in the same window, and requests to the
    # OAuth token endpoint per address and minute.
    login_address_attempts: int = 30
    invitation_attempts: int = 10
    token_requests_per_minute: int = 60
    # Proxies whose X-Forwarded-For/-Proto are believed (addresses or networks, e.g.
    # "10.0.0.0/8"); empty: the peer of the socket is the client.
    trusted_proxies: tuple[str, ...] = ()
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    # The cost of a query: every field costs 1 and a connection multiplies what it selects by
    # its page size (`first`, or the default page size); above the budget it is refused.
    max_query_cost: int = 1_000_000
    # Requests: the HTTP body, how deep its JSON may nest, names in the document and the
    # operation name, and string literals in the document.
    max_body_bytes: int = 256 * 1024
    # A stock report file (CSV or 852) uploaded in one request: streamed to a temporary file.
    max_upload_bytes: int = 512 * 1024 * 1024
    max_json_depth: int = 64
    max_name_length: int = 100
    max_string_literal: int = 16 * 1024
    # Reminders: the agenda goes out this long before a meeting; items due within this many
    # days remind their owner; overdue ones go to the KAM this many days after their due
    # date; the daily digest arrives at this hour of each user's own day.
    agenda_lead_hours: int = 24
    due_soon_days: int = 2
    escalation_delay_days: int = 2
    digest_hour: int = 7
    frontend_dir: Path = ROOT / "frontend" / "dist"

    @classmethod
    def from_env(cls) -> Settings:
        settings = cls(
            env=_env("ENV", "development"),
            database_url=_env("DATABASE_URL", _default_database_url()),
            redis_url=_env("REDIS_URL", ""),
            secret_key=_env("SECRET_KEY", DEFAULT_SECRET),
            base_url=_env("BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
            smtp_url=_env("SMTP_URL", ""),
            mail_from=_env("MAIL_FROM", "kamp <no-reply@kamp.local>"),
            log_level=_env("LOG_LEVEL", "INFO").upper(),
            session_hours=_env_int("SESSION_HOURS", 24 * 14),
            invitation_hours=_env_int("INVITATION_HOURS", 24 * 7),
            login_attempts=_env_int("LOGIN_ATTEMPTS", 10),
            login_window_seconds=_env_int("LOGIN_WINDOW_SECONDS", 900),
            login_address_attempts=_env_int("LOGIN_ADDRESS_ATTEMPTS", 30),
            invitation_attempts=_env_int("INVITATION_ATTEMPTS", 10),
            token_requests_per_minute=_env_int("TOKEN_REQUESTS_PER_MINUTE", 60),
            trusted_proxies=tuple(
                part.strip() for part in _env("TRUSTED_PROXIES", "").split(",") if part.strip()
            ),
            max_query_depth=_env_int("MAX_QUERY_DEPTH", 12),
            max_aliases=_env_int("MAX_ALIASES", 30),
            max_tokens=_env_int("MAX_TOKENS", 2000),
            max_query_cost=_env_int("MAX_QUERY_COST", 1_000_000),
            max_body_bytes=_env_int("MAX_BODY_BYTES", 256 * 1024),
            max_upload_bytes=_env_int("MAX_UPLOAD_BYTES", 512 * 1024 * 1024),
            max_json_depth=_env_int("MAX_JSON_DEPTH", 64),
            max_name_length=_env_int("MAX_NAME_LENGTH", 100),
            max_string_literal=_env_int("MAX_STRING_LITERAL", 16 * 1024),
            agenda_lead_hours=_env_int("AGENDA_LEAD_HOURS", 24),
            due_soon_days=_env_int("DUE_SOON_DAYS", 2),
            escalation_delay_days=_env_int("ESCALATION_DELAY_DAYS", 2),
            digest_hour=_env_int("DIGEST_HOUR", 7),
            frontend_dir=Path(_env("FRONTEND_DIR", str(ROOT / "frontend" / "dist"))),
        )
        settings.check()
        return settings

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_development(self) -> bool:
        return self.env == "development"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def check(self) -> None:
        """Refuse settings that would be unsafe in production."""
        if self.env not in {"development", "test", "production"}:
            raise SettingsError("KAMP_ENV must be development, test or production")
        for name, value, low, high in (
            ("AGENDA_LEAD_HOURS", self.agenda_lead_hours, 1, 24 * 14),
            ("DUE_SOON_DAYS", self.due_soon_days, 0, 60),
            ("ESCALATION_DELAY_DAYS", self.escalation_delay_days, 0, 90),
            ("DIGEST_HOUR", self.digest_hour, 0, 23),
            ("LOGIN_ATTEMPTS", self.login_attempts, 1, 10_000),
            ("LOGIN_WINDOW_SECONDS", self.login_window_seconds, 1, 24 * 3600),
            ("LOGIN_ADDRESS_ATTEMPTS", self.login_address_attempts, 1, 100_000),
            ("INVITATION_ATTEMPTS", self.invitation_attempts, 1, 10_000),
            ("TOKEN_REQUESTS_PER_MINUTE", self.token_requests_per_minute, 1, 100_000),
            ("MAX_QUERY_COST", self.max_query_cost, 1, 10_000_000),
            ("MAX_BODY_BYTES", self.max_body_bytes, 1024, 64 * 1024 * 1024),
            ("MAX_UPLOAD_BYTES", self.max_upload_bytes, 1024, 8 * 1024 * 1024 * 1024),
            ("MAX_JSON_DEPTH", self.max_json_depth, 2, 500),
            ("MAX_NAME_LENGTH", self.max_name_length, 16, 10_000),
            ("MAX_STRING_LITERAL", self.max_string_literal, 16, 64 * 1024 * 1024),
        ):
            if not low <= value <= high:
                raise SettingsError(f"KAMP_{name} must be between {low} and {high}, got {value}")
        if self.is_production:
            if self.secret_key == DEFAULT_SECRET or len(self.secret_key) < 32:
                raise SettingsError(
                    "KAMP_SECRET_KEY must be set to a random value of at least 32 characters "
                    "in production"
                )
            if not self.base_url.startswith("https://"):
                raise SettingsError("KAMP_BASE_URL must be an https:// URL in production")

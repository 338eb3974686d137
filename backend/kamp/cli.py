"""The `kamp` command: serve, worker, db upgrade|downgrade, seed, export-schema, outbox, keys."""

from __future__ import annotations

import argparse
import asyncio
import sys

from kamp.settings import Settings, SettingsError


def _serve(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn

    from kamp.app import create_app
    from kamp.observability import configure_logging

    configure_logging(settings.log_level)
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        # The app itself believes X-Forwarded-* from KAMP_TRUSTED_PROXIES only; uvicorn's
        # own handling would trust any local peer.
        proxy_headers=False,
        log_config=None,
        ws="websockets-sansio",
    )


def _worker(_args: argparse.Namespace, settings: Settings) -> None:
    from arq.worker import run_worker

    from kamp.jobs.worker import worker_settings

    run_worker(worker_settings(settings))


def _db(args: argparse.Namespace, settings: Settings) -> None:
    from kamp import migrations

    if settings.is_sqlite:
        from kamp.seed import ensure_sqlite_dir

        ensure_sqlite_dir(settings.database_url)
    if args.action == "upgrade":
        migrations.upgrade(settings.database_url, args.revision or "head")
    else:
        if not args.revision:
            raise SystemExit("kamp db downgrade needs a REVISION (or 'base')")
        migrations.downgrade(settings.database_url, args.revision)


def _seed(args: argparse.Namespace, settings: Settings) -> None:
    from kamp.seed import seed_demo

    if not args.demo:
        raise SystemExit("Nothing to seed: pass --demo for the demo data.")
    created = asyncio.run(seed_demo(settings))
    print("demo data loaded" if created else "demo data already present; nothing changed")


def _export_schema(_args: argparse.Namespace, settings: Settings) -> None:
    from kamp.api import build_schema

    sys.stdout.write(build_schema(settings).as_str() + "\n")


def _outbox(args: argparse.Namespace, settings: Settings) -> None:
    from kamp.seed import print_outbox

    asyncio.run(print_outbox(settings, limit=args.limit))


def _keys(_args: argparse.Namespace, settings: Settings) -> None:
    from kamp.auth.oauth.keys import rotate
    from kamp.db import make_engine, make_session_factory, transaction

    async def run() -> str:
        engine = make_engine(settings.database_url)
        try:
            async with transaction(make_session_factory(engine)) as session:
                return (await rotate(session, secret_key=settings.secret_key)).kid
        finally:
            await engine.dispose()

    print(f"new signing key {asyncio.run(run())}; the previous keys verify for one more day")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="kamp", description="kamp key account management portal")
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the portal and its GraphQL API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=_serve)

    worker = commands.add_parser("worker", help="run the arq job worker (needs KAMP_REDIS_URL)")
    worker.set_defaults(run=_worker)

    db = commands.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "downgrade"])
    db.add_argument("revision", nargs="?", help="target revision; 'head' or 'base' allowed")
    db.set_defaults(run=_db)

    seed = commands.add_parser("seed", help="load data")
    seed.add_argument("--demo", action="store_true", help="the demo supplier and key accounts")
    seed.set_defaults(run=_seed)

    export = commands.add_parser("export-schema", help="print the GraphQL SDL")
    export.set_defaults(run=_export_schema)

    outbox = commands.add_parser("outbox", help="show the newest mail in the outbox")
    outbox.add_argument("--limit", type=int, default=10)
    outbox.set_defaults(run=_outbox)
    keys = commands.add_parser("keys", help="token signing keys")
    keys.add_argument("action", choices=["rotate"])
    keys.set_defaults(run=_keys)
    return root


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        raise SystemExit(f"kamp: {exc}") from exc
    args.run(args, settings)


if __name__ == "__main__":
    main()

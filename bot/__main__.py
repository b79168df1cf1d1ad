"""`python -m bot run|web|migrate|backup|export` (and the `mulin` console script).

The offline demo is not part of the bot: it needs the Bot API emulator, which lives beside the
bot in this repository (`python -m emulator.demo`, `make demo`) and is not shipped in its wheel.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit

from bot.admin.backup import BackupError
from bot.admin.service.export import ExportError
from bot.config import Settings, SettingsError
from bot.core.db import StorageError, migrate_file


def parse_listen(value: str) -> tuple[str, int]:
    """HOST:PORT, an IPv6 host in brackets ([::1]:8080) as in a URL."""
    host, _, port = value.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host or not (port.isascii() and port.isdecimal() and 0 < int(port) < 65536):
        raise SettingsError("--listen", f"{value!r} is not HOST:PORT (e.g. 0.0.0.0:8443)")
    return host, int(port)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mulin", description="Mulin 睦邻 Telegram bot")
    sub = parser.add_subparsers(dest="command", required=True)
    running = sub.add_parser("run", help="serve Telegram (long polling, or a webhook)")
    running.add_argument("--webhook", metavar="URL", help="public https URL Telegram posts to")
    running.add_argument(
        "--listen",
        metavar="HOST:PORT",
        default="127.0.0.1:8443",
        help="where the webhook server listens (behind a reverse proxy)",
    )
    running.add_argument(
        "--web", metavar="HOST:PORT", help="also serve the public web board here (bot/web/)"
    )
    serving = sub.add_parser("web", help="serve the public web board (read-only on MULIN_DB)")
    serving.add_argument("--listen", metavar="HOST:PORT", default="127.0.0.1:8080")
    backing_up = sub.add_parser("backup", help="an online, consistent copy of the database")
    backing_up.add_argument("file")
    sub.add_parser("migrate", help="bring the database to the current schema")
    exporting = sub.add_parser(
        "export", help="issues or activities as CSV or JSON (Open311 fields)"
    )
    exporting.add_argument("what", choices=["issues", "activities"])
    exporting.add_argument("--format", choices=["csv", "json"], default="csv")
    exporting.add_argument("--community", help="only this community (its name)")
    exporting.add_argument("--output", help="write to this file instead of standard output")
    return parser


def migrate_command(settings: Settings) -> None:
    before, after = migrate_file(settings.db_path)
    print(f"{settings.db_path}: schema version {before} → {after}")


def export_command(settings: Settings, args: argparse.Namespace) -> None:
    from bot.admin.service.export import export

    text = export(
        settings.db_path, args.what, args.format, args.community, settings.tz, settings.locale
    )
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def backup_command(settings: Settings, args: argparse.Namespace) -> None:
    from bot.admin.backup import backup

    size = backup(settings.db_path, Path(args.file))
    print(f"{settings.db_path} → {args.file} ({size} bytes, integrity ok)")


def run_command(settings: Settings, args: argparse.Namespace) -> None:
    settings.require_token()
    from bot.app import ALLOWED_UPDATES, build_application

    app = build_application(settings, own_process=True)
    if args.web:
        from bot.web.serving import attach

        attach(app, settings, *parse_listen(args.web))
    if args.webhook:
        host, port = parse_listen(args.listen)
        app.run_webhook(
            listen=host,
            port=port,
            url_path=urlsplit(args.webhook).path.lstrip("/"),
            webhook_url=args.webhook,
            allowed_updates=ALLOWED_UPDATES,
            secret_token=os.environ.get("MULIN_WEBHOOK_SECRET") or secrets.token_urlsafe(32),
        )
    else:
        app.run_polling(allowed_updates=ALLOWED_UPDATES)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        settings = Settings.from_env()
        if args.command == "migrate":
            migrate_command(settings)
        elif args.command == "export":
            export_command(settings, args)
        elif args.command == "backup":
            backup_command(settings, args)
        elif args.command == "web":
            from bot.web.serving import serve

            serve(settings, *parse_listen(args.listen))
        else:
            run_command(settings, args)
        return 0
    except SettingsError as exc:
        print(f"mulin: {exc}", file=sys.stderr)
        return 2
    except StorageError as exc:
        print(f"mulin: database {exc}", file=sys.stderr)
        return 2
    except ExportError as exc:
        print(f"mulin: export: {exc}", file=sys.stderr)
        return 2
    except BackupError as exc:
        print(f"mulin: backup: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

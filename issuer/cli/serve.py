"""``serve``: the web service, with the development server or (``--production``) gunicorn."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys

from credentials import cli as core_cli
from issuer.cli.common import EXIT_OK, EXIT_REFUSED, Commands
from issuer.store.settings import Settings
from issuer.webkit.serving import DEFAULT_WORKERS, ServingError, serve_production


def cmd_serve(args: argparse.Namespace) -> int:
    if args.workers is not None and not args.production:
        raise core_cli.UsageError("--workers needs --production (the development server has one process)")
    settings = Settings.from_env(verifier_only=args.verifier_only)
    # --log-format, else CREDENTIALS_LOG_FORMAT, else json in production and text otherwise.
    log_format = args.log_format or settings.log_format or ("json" if args.production else "text")
    settings = dataclasses.replace(settings, log_format=log_format)
    if args.production:
        return _serve_production(args, settings)
    from issuer.app import create_app  # noqa: PLC0415

    app = create_app(settings=settings, verifier_only=args.verifier_only)
    print(f"Serving on http://{args.host}:{args.port}/ (public base URL {settings.base_url})")
    app.run(host=args.host, port=args.port, debug=False, use_reloader=False)
    return EXIT_OK


def production_problems(settings: Settings) -> list[str]:
    """What makes ``settings`` unfit for production; ``serve --production`` refuses to start
    while this list is not empty."""
    return [f"{name} is not set: a generated development value is in use" for name in settings.dev_fallbacks]


def _serve_production(args: argparse.Namespace, settings: Settings) -> int:
    """gunicorn with sync workers (see :mod:`issuer.webkit.serving`). The verifier alone runs
    in a fresh process (``python -m verifier``), so its workers load nothing of the issuer
    but the data layer and the web toolkit."""
    workers = DEFAULT_WORKERS if args.workers is None else args.workers
    if workers < 1:
        raise core_cli.UsageError("--workers must be at least 1")
    problems = production_problems(settings)
    if problems:
        for problem in problems:
            print(f"credentials: refused: {problem}", file=sys.stderr)
        print(
            "credentials: production mode needs real secrets from the environment (see README, Configuration);"
            " nothing was started",
            file=sys.stderr,
        )
        return EXIT_REFUSED
    log_format = settings.log_format or "json"
    if args.verifier_only:
        command = [sys.executable, "-m", "verifier", "--production", "--host", args.host, "--port", str(args.port),
                   "--workers", str(workers), "--log-format", log_format]  # fmt: skip
        sys.stdout.flush()
        os.execv(sys.executable, command)  # noqa: S606 - our own interpreter and module, no shell
    from issuer.wsgi import create  # noqa: PLC0415

    print(
        f"Serving on http://{args.host}:{args.port}/ with {workers} gunicorn worker(s); "
        f"public base URL {settings.base_url}",
        flush=True,
    )
    try:
        serve_production(lambda: create(settings=settings), host=args.host, port=args.port, workers=workers,
                         log_format=log_format, proc_name="credentials")  # fmt: skip
    except ServingError as exc:
        raise core_cli.UsageError(str(exc)) from None
    return EXIT_OK


def add_serve(sub: Commands) -> None:
    """``serve``: run the web service."""
    serve = sub.add_parser("serve", help="run the web service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--verifier-only", action="store_true", help="public pages only, no access to signing keys")
    serve.add_argument(
        "--production", action="store_true", help="serve with gunicorn (sync workers) instead of the development server"
    )
    serve.add_argument(
        "--workers", type=int, help=f"gunicorn worker processes, with --production (default {DEFAULT_WORKERS})"
    )
    serve.add_argument(
        "--log-format",
        choices=("json", "text"),
        help="log lines as JSON or text (default CREDENTIALS_LOG_FORMAT, else json with --production, else text)",
    )
    serve.set_defaults(handler=cmd_serve)

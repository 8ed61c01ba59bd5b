"""``python -m verifier``: the public verifier alone (what ``credentials serve --verifier-only
--production`` runs): the QR pages, the upload and code pages, the VC-API verify call,
the public documents and the probes, on a read-only database and without keys.

Settings come from the ``CREDENTIALS_*`` environment variables (no key passphrase).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys

from issuer.store.settings import Settings, SettingsError
from issuer.webkit.serving import DEFAULT_WORKERS, ServingError, serve_production


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m verifier", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--production", action="store_true", help="gunicorn with sync workers")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument("--log-format", choices=("json", "text"))
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env(verifier_only=True)
    except SettingsError as exc:
        print(f"verifier: refused: {exc}", file=sys.stderr)
        return 1
    log_format = args.log_format or settings.log_format or ("json" if args.production else "text")
    settings = dataclasses.replace(settings, log_format=log_format)
    if not args.production:
        from verifier.app import create_verifier_app  # noqa: PLC0415

        print(f"Serving on http://{args.host}:{args.port}/ (verifier only; public base URL {settings.base_url})")
        create_verifier_app(settings=settings).run(host=args.host, port=args.port, debug=False, use_reloader=False)
        return 0
    if settings.dev_fallbacks:
        for name in settings.dev_fallbacks:
            print(f"verifier: refused: {name} is not set: a generated development value is in use", file=sys.stderr)
        return 1
    from verifier.wsgi import create  # noqa: PLC0415

    print(
        f"Serving on http://{args.host}:{args.port}/ with {args.workers} gunicorn worker(s) (verifier only); "
        f"public base URL {settings.base_url}",
        flush=True,
    )
    try:
        serve_production(lambda: create(settings=settings), host=args.host, port=args.port, workers=args.workers,
                         log_format=log_format, proc_name="credentials (verifier)")  # fmt: skip
    except ServingError as exc:
        print(f"verifier: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Serving an app in production: gunicorn with sync workers, for any app factory.

Verification is CPU-bound Python (the GIL), so threads in one process only take turns;
with sync workers each request gets a core to itself and waiting requests queue in the
kernel's accept queue, first come first served, taken by whichever worker is free. Put
a reverse proxy (nginx, Caddy) in front: it buffers slow clients and does keep-alive and
TLS, which sync workers do not.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Final

from flask import Flask

from issuer.webkit.requestlog import gunicorn_logger_class

DEFAULT_WORKERS: Final = 2  # one per core: verification is CPU-bound


class ServingError(RuntimeError):
    """Production serving cannot start (the message says why)."""


def serve_production(
    factory: Callable[[], Flask], *, host: str, port: int, workers: int, log_format: str, proc_name: str
) -> None:
    """Run ``factory``'s app under gunicorn until it is stopped; ``factory`` is called in
    each worker after the fork (its own engine, caches and key store)."""
    try:
        from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]  # noqa: PLC0415
    except ImportError:
        raise ServingError("--production needs gunicorn (pip install gunicorn)") from None
    if workers < 1:
        raise ServingError("--workers must be at least 1")
    options: dict[str, object] = {
        "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
        "workers": workers,
        "worker_class": "sync",
        "accesslog": None,  # no access log: URLs carry public ids, clients' addresses are personal data
        "errorlog": "-",
        "loglevel": "info",
        # The error log in the app's format (JSON lines by default); the app logs one line per request.
        "logger_class": gunicorn_logger_class(log_format),
        "timeout": 30,
        "graceful_timeout": 20,
        "proc_name": proc_name,
        # The workers' heartbeat files: memory, not a possibly slow disk.
        "worker_tmp_dir": "/dev/shm" if Path("/dev/shm").is_dir() else None,  # noqa: S108 - gunicorn's advice
        # gunicorn >= 25.1 opens a control socket at one fixed path per user ($HOME/.gunicorn):
        # two instances would take each other's. We do not use it (stop with SIGTERM).
        "control_socket_disable": True,
    }

    class _Server(BaseApplication):  # type: ignore[misc]  # gunicorn has no type hints
        def load_config(self) -> None:
            for name, value in options.items():
                if value is not None and name in self.cfg.settings:  # older gunicorns lack some
                    self.cfg.set(name, value)

        def load(self) -> object:
            return factory()

    _Server().run()

"""What every command of the command line shares: the exit codes, the actor named in the
audit log, the runtime built from the settings, and writing an output file safely."""

from __future__ import annotations

import argparse
import os
import secrets
from pathlib import Path
from typing import TypeAlias

from credentials import cli as core_cli
from issuer.runtime import Runtime, build_runtime
from issuer.store.settings import Settings

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
CLI_ACTOR = "cli:" + (os.environ.get("USER") or "operator")

# The object ``add_subparsers`` returns; each command module adds its commands to it.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def runtime(args: argparse.Namespace) -> Runtime:
    return build_runtime(Settings.from_env(), verifier_only=getattr(args, "verifier_only", False))


def write_atomically(target: str, data: bytes) -> Path:
    """Write ``data`` to ``target`` via a temporary file in the same folder: a reader never
    sees half a file, and an interrupted run leaves the old file (or none)."""
    path = Path(target)
    if path.is_dir():
        raise core_cli.UsageError(f"--out {target} is a folder; give a file name")
    if not path.parent.is_dir():
        raise core_cli.UsageError(f"the folder {path.parent} does not exist")
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise core_cli.UsageError(f"cannot write {target}: {exc.strerror}") from exc
    return path

"""Run the real Supabase CLI (npm package `supabase`, pinned in package.json)."""

from __future__ import annotations

import os
import subprocess
from urllib.parse import urlsplit

from sessionkit.config import Project
from sessionkit.errors import SessionkitError

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def cli_env(url: str) -> dict[str, str]:
    """The environment for a call against `url`.

    On loopback there is no TLS to negotiate: without PGSSLMODE=disable the CLI tries it, and
    the first time it meets a host and port it prints a TLS warning box to stdout, into the
    output of commands such as `gen types`.
    """
    env = dict(os.environ)
    if urlsplit(url).hostname in LOOPBACK:
        env["PGSSLMODE"] = "disable"
    return env


def run_supabase(
    project: Project, url: str, *args: str, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    """`supabase <args> --remote=<url>` in the project folder; raises when it fails."""
    cli = project.supabase_cli
    if not cli.is_file():
        raise SessionkitError("the Supabase CLI is missing: run `make setup` (npm install)")
    result = subprocess.run(
        [str(cli), *args, f"--remote={url}"],
        cwd=project.root,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        env=cli_env(url),
    )
    if result.returncode != 0:
        last = result.stderr.strip().splitlines()[-1:] or [f"exit {result.returncode}"]
        raise SessionkitError(f"supabase {' '.join(args[:2])} failed: {last[0]}")
    return result

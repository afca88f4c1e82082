"""The local stack: a real Postgres 15 cluster under .sessionkit/, owned by an unprivileged user.

initdb refuses to run as root, so when the toolkit runs as root (CI, containers) the
cluster belongs to the OS user `sessionkit`, created on first use. The cluster listens
on 127.0.0.1 (the Supabase CLI needs TCP) on its own port and preloads pg_cron. It runs on
real time unless a fake clock was set (`db start --clock`, see clock.py); a restart keeps it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from sessionkit.config import DEFAULT_DATABASE, DEFAULT_SUPERUSER, Project, local_port
from sessionkit.db.clock import Clock, faketime_env, read_clock, wait_shim, write_clock
from sessionkit.errors import SessionkitError

CLUSTER_USER = "sessionkit"
START_ATTEMPTS = 5
PG_BINDIRS = (Path("/usr/lib/postgresql/15/bin"),)

SETTINGS = """\
# Written by `sessionkit db start`: local development and test stack only.
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{socket_dir}'
max_connections = 200
shared_buffers = 256MB
shared_preload_libraries = 'pg_cron'
cron.database_name = '{database}'
cron.use_background_workers = on
max_worker_processes = 32
timezone = 'UTC'
log_timezone = 'UTC'
{durability}"""

FAST = """\
# Durability is not needed for a throwaway local stack; speed is.
fsync = off
synchronous_commit = off
full_page_writes = off
"""

DURABLE = """\
# A durable cluster (`sessionkit bench --durable`): every commit reaches the disk.
fsync = on
synchronous_commit = on
full_page_writes = on
"""


def pg_bindir() -> Path:
    for candidate in PG_BINDIRS:
        if (candidate / "initdb").is_file():
            return candidate
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=True)
        return Path(out.stdout.strip())
    raise SessionkitError("Postgres 15 is not installed: run `make demo` or `make setup` first")


@dataclass(frozen=True)
class LocalCluster:
    """The stack's cluster, or (`name`) another one beside it: .sessionkit/<name>/ on port
    SESSIONKIT_DB_PORT + port_offset (a standby, a durable bench cluster, the calendar matrix's)."""

    project: Project
    name: str = ""
    port_offset: int = 0
    durable: bool = False

    @property
    def base(self) -> Path:
        return self.project.state_dir / self.name if self.name else self.project.state_dir

    @property
    def data_dir(self) -> Path:
        return self.base / "pgdata"

    @property
    def socket_dir(self) -> Path:
        return self.base / "run"

    @property
    def log_file(self) -> Path:
        return self.base / "postgres.log"

    @property
    def clock_file(self) -> Path:
        return self.base / "clock.json"

    @property
    def clock(self) -> Clock | None:
        """The fake clock the cluster starts under, None for real time."""
        return read_clock(self.clock_file)

    def set_clock(self, clock: Clock | None) -> None:
        """Record the clock of the next start (None = real time); a running server keeps its own."""
        self.base.mkdir(parents=True, exist_ok=True)
        write_clock(self.clock_file, clock)

    @property
    def port(self) -> int:
        return local_port() + self.port_offset

    @property
    def url(self) -> str:
        return f"postgresql://{DEFAULT_SUPERUSER}:postgres@127.0.0.1:{self.port}/{DEFAULT_DATABASE}"

    # -- running commands as the cluster owner -------------------------------------------
    def _as_owner(self, args: list[str]) -> list[str]:
        return as_cluster_owner(args)

    def _run(self, args: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(self._as_owner(args), capture_output=True, text=True)
        if check and result.returncode != 0:
            reason = (result.stderr or result.stdout).strip().splitlines()
            last = reason[-1] if reason else f"exit {result.returncode}"
            raise SessionkitError(f"{Path(args[0]).name} failed: {last}")
        return result

    def _prepare_owner(self) -> None:
        """As root: make sure the unprivileged owner exists and can reach the state folder."""
        self.base.mkdir(parents=True, exist_ok=True)
        if os.geteuid() != 0:
            return
        try:
            pwd.getpwnam(CLUSTER_USER)
        except KeyError:
            subprocess.run(
                ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", CLUSTER_USER],
                check=True,
                capture_output=True,
            )
        owner = pwd.getpwnam(CLUSTER_USER)
        for folder in (self.base, self.socket_dir):
            folder.mkdir(parents=True, exist_ok=True)
            os.chown(folder, owner.pw_uid, owner.pw_gid)
        _grant_traverse(self.base.parent)

    # -- lifecycle ------------------------------------------------------------------------
    def is_initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").is_file()

    def is_running(self) -> bool:
        if not self.is_initialised():
            return False
        pg_ctl = str(pg_bindir() / "pg_ctl")
        return self._run([pg_ctl, "status", "-D", str(self.data_dir)], check=False).returncode == 0

    def init(self) -> None:
        self._prepare_owner()
        if self.is_initialised():
            return
        initdb = str(pg_bindir() / "initdb")
        self._run(
            [
                initdb,
                "-D",
                str(self.data_dir),
                "-U",
                DEFAULT_SUPERUSER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write("\ninclude_if_exists = 'sessionkit.conf'\n")

    def write_settings(self) -> None:
        text = SETTINGS.format(
            port=self.port,
            socket_dir=self.socket_dir,
            database=DEFAULT_DATABASE,
            durability=DURABLE if self.durable else FAST,
        )
        subprocess.run(
            self._as_owner(["tee", str(self.data_dir / "sessionkit.conf")]),
            input=text,
            capture_output=True,
            text=True,
            check=True,
        )

    def start(self) -> bool:
        """Start the cluster under its recorded clock; False when it was already running (fast path)."""
        self.init()
        if self.is_running():
            return False
        clock = self.clock
        self.write_settings()
        pg_ctl = str(pg_bindir() / "pg_ctl")
        # pg_ctl runs under the same clock: it compares the server's start time with its own.
        under_clock = []
        if clock is not None:
            under_clock = ["env", *faketime_env(clock, wait_shim(self.project.state_dir))]
        start = [pg_ctl, "start", "-w", "-t", "60", "-D", str(self.data_dir), "-l", str(self.log_file)]
        for attempt in range(START_ATTEMPTS):
            logged = self.log_file.stat().st_size if self.log_file.exists() else 0
            result = self._run([*under_clock, *start], check=False)
            if result.returncode == 0:
                return True
            reason = self._start_failure(result, logged)
            # the port may be some client connection's ephemeral local port for a moment
            if "could not create any TCP/IP sockets" not in reason or attempt == START_ATTEMPTS - 1:
                raise SessionkitError(f"postgres did not start on port {self.port}: {reason}")
            time.sleep(1 + attempt)
        return True

    def _start_failure(self, result: subprocess.CompletedProcess[str], logged: int) -> str:
        """This start's FATAL log line (e.g. the port is taken), else its last one, else pg_ctl's output."""
        lines: list[str] = []
        if self.log_file.exists():
            with self.log_file.open(errors="replace") as log:
                log.seek(logged)
                lines = log.read().strip().splitlines()
        fatal = [line for line in lines if "FATAL:" in line]
        return (fatal or lines or [result.stderr.strip()])[-1]

    def restart(self) -> None:
        self.stop()
        self.start()

    def stop(self) -> bool:
        """Stop the cluster; False when it was not running."""
        if not self.is_running():
            return False
        pg_ctl = str(pg_bindir() / "pg_ctl")
        self._run([pg_ctl, "stop", "-m", "fast", "-w", "-D", str(self.data_dir)])
        return True

    def remove(self) -> None:
        """Stop a side cluster and delete its folder (never the stack's own cluster)."""
        if not self.name:
            raise SessionkitError("refusing to remove the stack's own cluster")
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def start_standby_of(self, primary: LocalCluster) -> None:
        """Make this side cluster a streaming hot standby of `primary` (pg_basebackup -R) and
        start it: it replays the primary's WAL and answers read-only queries."""
        if not self.name:
            raise SessionkitError("the stack's own cluster cannot become a standby")
        self._prepare_owner()
        if not self.is_initialised():
            basebackup = str(pg_bindir() / "pg_basebackup")
            # -R writes standby.signal and primary_conninfo; -X stream copies the WAL it needs
            args = ["-D", str(self.data_dir), "-R", "-X", "stream", "-c", "fast"]
            source = ["-h", "127.0.0.1", "-p", str(primary.port), "-U", DEFAULT_SUPERUSER]
            self._run([basebackup, *args, *source])
        self.start()


def as_cluster_owner(args: list[str]) -> list[str]:
    """The command line running `args` as the OS user owning local clusters (root hands over)."""
    if os.geteuid() != 0:
        return args
    return ["runuser", "-u", CLUSTER_USER, "--", *args]


def _grant_traverse(folder: Path) -> None:
    """Let the cluster owner walk down to the project (execute bit only, never read)."""
    for parent in (folder, *folder.parents):
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o001)

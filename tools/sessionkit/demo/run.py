"""Entry point of `sessionkit demo`."""

from __future__ import annotations

from rich.console import Console

from sessionkit.db.connect import connect
from sessionkit.demo.engine import play
from sessionkit.demo.scenes import SCENES


def run_demo(url: str, console: Console) -> None:
    with connect(url, autocommit=True) as conn:
        play(conn, SCENES, console)

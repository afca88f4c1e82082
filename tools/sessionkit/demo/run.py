"""Entry point of `sessionkit demo`."""

from __future__ import annotations

from rich.console import Console

from sessionkit.db.connect import connect
from sessionkit.demo.engine import play
from sessionkit.demo.outbox_scene import outbox_scene
from sessionkit.demo.public_booking_scenes import PUBLIC_BOOKING_SCENES
from sessionkit.demo.scenes import SCENES
from sessionkit.outbox.receiver import WebhookReceiver


def run_demo(url: str, console: Console) -> None:
    with connect(url, autocommit=True) as conn, WebhookReceiver() as receiver:
        play(conn, [*SCENES, *PUBLIC_BOOKING_SCENES, outbox_scene(receiver)], console)

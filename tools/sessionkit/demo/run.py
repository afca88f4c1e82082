"""Entry point of `sessionkit demo`."""

from __future__ import annotations

from rich.console import Console

from sessionkit.db.connect import connect
from sessionkit.demo.engine import play
from sessionkit.demo.legacy_upgrade import play_legacy_upgrade
from sessionkit.demo.outbox_scene import outbox_scene
from sessionkit.demo.public_booking_scenes import PUBLIC_BOOKING_SCENES
from sessionkit.demo.scenes import SCENES
from sessionkit.outbox.receiver import WebhookReceiver


def run_demo(url: str, console: Console, legacy_upgrade: bool = True) -> None:
    """The scenes on the demo data; then, on the local stack, a legacy upgrade in a database of its
    own (it needs to create one)."""
    with connect(url, autocommit=True) as conn, WebhookReceiver() as receiver:
        scenes = [*SCENES, *PUBLIC_BOOKING_SCENES, outbox_scene(receiver)]
        play(conn, scenes, console)
    if legacy_upgrade:
        play_legacy_upgrade(url, console, len(scenes) + 1)

"""`sessionkit bench --durable`: a throwaway cluster with fsync, synchronous_commit and
full_page_writes on, beside the stack (.sessionkit/bench-durable/, port SESSIONKIT_DB_PORT + 2).

The local stack runs with fsync off (a development stack); a production server does not. Rather
than flipping the stack's settings under whoever else uses it, the durable figures come from a
cluster of their own, created for the run and deleted afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sessionkit.config import Project
from sessionkit.db.cluster import LocalCluster

DURABLE_PORT_OFFSET = 2  # +1: the Supabase-shaped test server, +3: the replication test's standby


@contextmanager
def durable_server(project: Project) -> Iterator[str]:
    """Start a fresh durable cluster, yield its server URL, remove it afterwards."""
    cluster = LocalCluster(project, name="bench-durable", port_offset=DURABLE_PORT_OFFSET, durable=True)
    cluster.remove()  # a leftover of an interrupted run
    cluster.start()
    try:
        yield cluster.url
    finally:
        cluster.remove()

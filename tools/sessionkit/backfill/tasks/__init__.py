"""The product's backfills, imported (and so registered) in dependency order (contract §6)."""

from sessionkit.backfill.tasks import (  # noqa: F401 - import order is registration order
    session_types,
    booking_kinds,
    service_sessions,
    subscription_links,
    cancellations,
)

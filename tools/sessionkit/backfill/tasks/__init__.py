"""The product's backfills; importing this package registers them (contract §6)."""

from sessionkit.backfill.tasks import (  # noqa: F401 - imported to register
    booking_kinds,
    cancellations,
    service_sessions,
    session_types,
    subscription_links,
)

-- Foreign keys that another key already implies (issue 13, docs/performance.md): every one is a
-- row-by-row check (one SPI query and a row lock per written row) on the tables a booking and a
-- dispatch run write in bulk, and these three prove nothing the remaining keys do not:
--   * service_sessions.organization_id -> organizations: service_id is not null and
--     service_sessions_service_fkey (organization_id, service_id) -> services(organization_id, id)
--     on delete cascade names the same organization through services (itself organizations'
--     child, on delete cascade): a session's organization exists while its service does, and an
--     organization's deletion still reaches its sessions (through services).
--   * booking_status_history.organization_id -> organizations: booking_id is not null and
--     booking_status_history_booking_fkey (organization_id, booking_id) -> bookings on delete
--     cascade implies it the same way (bookings keep their own organization key and cascade).
--     Its index (organization_id) goes with it: no query reads history by organization alone (a
--     booking's history is read by booking, which booking_status_history_booking_idx serves).
--   * bookings.provider_id -> auth.users: a booking's provider is its service session's
--     (bookings_follow_session on insert and on update, the after-insert statement trigger,
--     service_sessions_sync_bookings), and service_sessions_provider_id_fkey keeps that user;
--     the index (provider_id, start_time) stays for the RLS predicate and the provider's listing.
-- Every tenant-to-tenant reference still carries organization_id (test_tenant_references).
-- Kept although they look similar: bookings.organization_id (its cascade is what deletes an
-- organization's bookings: bookings -> service_sessions is no action, so a session with bookings
-- cannot be deleted on its own) and outbox_events.organization_id (no other key on that table).

set local lock_timeout = '5s';

-- squawk-ignore ban-drop-constraint
alter table public.service_sessions drop constraint service_sessions_organization_id_fkey;

-- squawk-ignore ban-drop-constraint
alter table public.booking_status_history drop constraint booking_status_history_organization_id_fkey;

-- (a partitioned table's index cannot be dropped concurrently)
-- squawk-ignore require-concurrent-index-deletion
drop index public.booking_status_history_organization_id_idx;

-- squawk-ignore ban-drop-constraint
alter table public.bookings drop constraint bookings_provider_id_fkey;

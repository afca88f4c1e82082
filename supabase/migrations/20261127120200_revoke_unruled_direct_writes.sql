-- Tenant isolation: users lose the table privileges no rule of theirs needs.
-- Why: every state change has one path with one set of rules (docs/security.md, "The RLS
-- write matrix"). These writes have no legitimate user path at all, so they are not granted
-- (PostgREST answers 42501 / HTTP 403) instead of depending on a missing policy:
--   * bookings, subscriptions: never deleted by users (a deleted booking hands its credit back
--     without a trace; a subscription is cancelled, not deleted);
--   * audit_log, outbox_events, booking_status_history: written by the database only;
--   * booking_cancellations: immutable once written (an insert is the cancellation);
--   * organizations: created by create_organization, deleted by service_role only.

set local lock_timeout = '5s';

revoke delete on public.bookings from anon, authenticated;

revoke delete on public.subscriptions from anon, authenticated;

revoke insert, update, delete on public.audit_log from anon, authenticated;

revoke insert, update, delete on public.outbox_events from anon, authenticated;

revoke insert, update, delete on public.booking_status_history from anon, authenticated;

revoke update, delete on public.booking_cancellations from anon, authenticated;

revoke insert, delete on public.organizations from anon, authenticated;

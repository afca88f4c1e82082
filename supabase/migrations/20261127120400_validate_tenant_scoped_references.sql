-- Tenant isolation (validate, guarded): validate the composite foreign keys 20261127120300 added
-- not valid, then drop the single-column keys and indexes they replace.
-- Why: validating in its own transaction scans each table under a lock that does not block
-- reads or writes. A database where some organization already attached rows to another's (the
-- attack these keys close) cannot be validated: the guard counts those rows per reference and
-- raises CROSS_TENANT_REFERENCES naming them, changing nothing - an operator decides what they
-- are (they are evidence, never deleted by a migration) and removes them, then pushes again. On
-- a fresh database every count is zero.

set local lock_timeout = '5s';

do $$
declare
  v_counts text;
begin
  select string_agg(format('%s: %s', r.reference, r.rows), ', ') into v_counts
  from (
    select 'service_sessions.service_id' as reference, count(*) as rows
    from public.service_sessions x join public.services p on p.id = x.service_id
    where p.organization_id <> x.organization_id
    union all
    select 'bookings.service_id', count(*)
    from public.bookings x join public.services p on p.id = x.service_id
    where p.organization_id <> x.organization_id
    union all
    select 'bookings.recurring_booking_id', count(*)
    from public.bookings x join public.recurring_bookings p on p.id = x.recurring_booking_id
    where p.organization_id <> x.organization_id
    union all
    select 'subscriptions.package_id', count(*)
    from public.subscriptions x join public.packages p on p.id = x.package_id
    where p.organization_id <> x.organization_id
    union all
    select 'recurring_bookings.service_id', count(*)
    from public.recurring_bookings x join public.services p on p.id = x.service_id
    where p.organization_id <> x.organization_id
    union all
    select 'booking_status_history.booking_id', count(*)
    from public.booking_status_history x join public.bookings p on p.id = x.booking_id
    where p.organization_id <> x.organization_id
    union all
    select 'booking_cancellations.booking_id', count(*)
    from public.booking_cancellations x join public.bookings p on p.id = x.booking_id
    where p.organization_id <> x.organization_id
    union all
    select 'session_notes.booking_id', count(*)
    from public.session_notes x join public.bookings p on p.id = x.booking_id
    where p.organization_id <> x.organization_id
    union all
    select 'meeting_recordings.booking_id', count(*)
    from public.meeting_recordings x join public.bookings p on p.id = x.booking_id
    where p.organization_id <> x.organization_id
  ) as r
  where r.rows > 0;
  if v_counts is not null then
    perform private.raise_error(
      'CROSS_TENANT_REFERENCES',
      format('Rows reference another organization''s rows (%s). Review and remove them, then apply this migration again.', v_counts),
      'organization_id'
    );
  end if;
end
$$;

alter table public.service_sessions validate constraint service_sessions_service_fkey;

alter table public.bookings validate constraint bookings_service_fkey;

alter table public.bookings validate constraint bookings_recurring_series_fkey;

alter table public.subscriptions validate constraint subscriptions_package_fkey;

alter table public.recurring_bookings validate constraint recurring_bookings_service_fkey;

alter table public.booking_status_history validate constraint booking_status_history_booking_fkey;

alter table public.booking_cancellations validate constraint booking_cancellations_booking_fkey;

alter table public.session_notes validate constraint session_notes_booking_fkey;

alter table public.meeting_recordings validate constraint meeting_recordings_booking_fkey;

-- the single-column keys (and their indexes) the composite ones replace: each guarantee stays,
-- stronger (same id, same organization); the composite indexes lead with the same id column.
-- The indexes are small relative to their tables and this runs in a transaction, where
-- DROP INDEX CONCURRENTLY is impossible.
-- squawk-ignore ban-drop-constraint
alter table public.service_sessions drop constraint service_sessions_service_id_fkey;

-- squawk-ignore ban-drop-constraint
alter table public.bookings drop constraint bookings_service_id_fkey;

-- squawk-ignore ban-drop-constraint
alter table public.bookings drop constraint bookings_recurring_booking_fkey;

-- squawk-ignore ban-drop-constraint
alter table public.subscriptions drop constraint subscriptions_package_id_fkey;

-- squawk-ignore ban-drop-constraint
alter table public.recurring_bookings drop constraint recurring_bookings_service_id_fkey;

-- squawk-ignore ban-drop-constraint
alter table public.booking_status_history drop constraint booking_status_history_booking_id_fkey;

-- squawk-ignore ban-drop-constraint
alter table public.booking_cancellations drop constraint booking_cancellations_booking_id_fkey;

-- squawk-ignore ban-drop-constraint
alter table public.session_notes drop constraint session_notes_booking_id_fkey;

-- squawk-ignore ban-drop-constraint
alter table public.meeting_recordings drop constraint meeting_recordings_booking_id_fkey;

-- squawk-ignore require-concurrent-index-deletion
drop index public.service_sessions_service_id_idx;

-- squawk-ignore require-concurrent-index-deletion
drop index public.bookings_service_id_idx;

-- squawk-ignore require-concurrent-index-deletion
drop index public.subscriptions_package_id_idx;

-- squawk-ignore require-concurrent-index-deletion
drop index public.recurring_bookings_service_id_idx;

-- squawk-ignore require-concurrent-index-deletion
drop index public.booking_status_history_booking_id_at_idx;

-- squawk-ignore require-concurrent-index-deletion
drop index public.meeting_recordings_booking_id_idx;

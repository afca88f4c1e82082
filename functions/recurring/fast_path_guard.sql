-- The recurring dispatcher's set-based fast path writes service sessions, bookings and their
-- status history with the insert triggers of those tables bypassed, doing their work itself
-- (see functions/recurring/dispatch_recurring_bookings.sql, step 3). That is only right for the
-- triggers it was written against. private.recurring_fast_path_fingerprint() digests every
-- user trigger that fires on INSERT into those tables (name, timing, function and the
-- function's source) and that the bypass skips (not the `enable always` ones, such as the
-- service sessions' overlap guarantee, which fire anyway); while it equals the digest recorded
-- below, the dispatcher may bypass them.
-- Any change (a trigger added, dropped or rewritten) turns the bypass off by itself: dispatching
-- stays correct, only slower. The pgTAP suite test_recurring.sql fails until someone has checked
-- that step 3 still does what the changed triggers do and recorded the new digest here.

create or replace function private.recurring_fast_path_fingerprint()
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select md5(coalesce(string_agg(
    t.tgrelid::regclass::text || ':' || t.tgname || ':' || t.tgtype::text || ':' || t.tgenabled::text || ':'
      || p.oid::regprocedure::text || ':' || md5(p.prosrc),
    ',' order by t.tgrelid::regclass::text, t.tgname), ''))
  from pg_catalog.pg_trigger as t
  join pg_catalog.pg_proc as p on p.oid = t.tgfoid
  where t.tgrelid in (
      'public.service_sessions'::regclass,
      'public.bookings'::regclass,
      'public.booking_status_history'::regclass,
      'public.outbox_events'::regclass
    )
    and not t.tgisinternal
    and (t.tgtype & 4) <> 0  -- fires on INSERT
    and t.tgenabled <> 'A'  -- `enable always` triggers fire in replica mode too: never bypassed
$$;

comment on function private.recurring_fast_path_fingerprint() is
  'Digest of every user trigger firing on INSERT into service_sessions, bookings, booking_status_history and outbox_events (name, type, function, function source): what the recurring dispatcher''s trigger bypass was checked against.';

revoke all on function private.recurring_fast_path_fingerprint() from public, anon;
grant execute on function private.recurring_fast_path_fingerprint() to service_role;

create or replace function private.recurring_fast_path_verified()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  -- recorded after checking step 3 of dispatch_recurring_bookings against: service_sessions
  -- apply_default_session_type + service_sessions_before_write + service_sessions_require_provider
  -- (the decision query requires the accepted provider-capable membership itself); bookings
  -- apply_default_session_type + bookings_before_write + bookings_spend_credit + bookings_after_write;
  -- admit_user_write on both fires only for PostgREST statements (never for the dispatcher),
  -- bookings_legacy_insert only for rows without service_session_id (never the dispatcher's), and
  -- approval (private.approval_deadline) never holds a service call's booking: confirmed, as here
  select private.recurring_fast_path_fingerprint() = '5133fb03c909e691c10a2768e6fc1a19'
$$;

comment on function private.recurring_fast_path_verified() is
  'True while the insert triggers of service_sessions/bookings/booking_status_history/outbox_events are exactly those the recurring dispatcher''s set-based path reproduces; false turns its trigger bypass off (correct, slower).';

revoke all on function private.recurring_fast_path_verified() from public, anon;
grant execute on function private.recurring_fast_path_verified() to service_role;

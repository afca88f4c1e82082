-- Bookings keep the books, per statement (issue 13): a statement that writes 100,000 bookings
-- (the recurring dispatcher, a backfill) runs the same triggers as one booking, each a few
-- set-based statements over the statement's transition tables (triggers/bookings.sql):
--   private.bookings_after_insert()  AFTER INSERT: credits (private.settle_booking_credits),
--     participants (private.count_session_participants), deprecated columns put right, one
--     booking_status_history row and the booking.created (booking.pending) events per booking;
--   private.bookings_after_update()  AFTER UPDATE: credits named or revived, participants of
--     status and session changes, a 1-to-1 session following its booking (cancelled/completed),
--     deprecated columns, history of status changes (reason: bookings.status_reason, set by the
--     writer in the same update), booking.completed / booking.no_show events;
--   private.bookings_after_delete()  AFTER DELETE: participants.
-- Row level only where a row must change before it is written:
--   private.bookings_follow_session()       start_time/end_time/provider_id/service_id from the
--     service session when an insert leaves them out or an update moves the booking;
--   private.bookings_clear_status_reason()  a status change without a reason drops the old one.
-- A 1-to-1 session the booking core creates together with its booking is created holding it
-- (current_participants = 1, private.book_individuals): its founding booking is not counted
-- again. Who may change what is the admit_user_write trigger's (users) and the RPCs' business.

create or replace function private.bookings_follow_session()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  select ss.starts_at, ss.ends_at, ss.provider_id, ss.service_id
  into new.start_time, new.end_time, new.provider_id, new.service_id
  from public.service_sessions as ss
  where ss.id = new.service_session_id;
  return new;
end
$$;

comment on function private.bookings_follow_session() is
  'BEFORE INSERT/UPDATE row trigger on bookings (only when an insert leaves the times, provider or service out, or an update changes the session or those columns): copies them from the service session (the deprecated columns stay right for old frontends).';

revoke all on function private.bookings_follow_session() from public, anon, authenticated;

create or replace function private.bookings_clear_status_reason()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.status_reason := null;
  return new;
end
$$;

comment on function private.bookings_clear_status_reason() is
  'BEFORE UPDATE row trigger on bookings (only when the status changes and status_reason does not): the reason of the previous status does not carry over.';

revoke all on function private.bookings_clear_status_reason() from public, anon, authenticated;

create or replace function private.count_session_participants(p_session_ids uuid[], p_deltas integer[])
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_wanted integer;
  v_counted integer;
begin
  -- places freed first (a booking moving between sessions frees before it takes)
  update public.service_sessions as ss
  set current_participants = greatest(ss.current_participants + d.delta, 0)
  from (
    select u.id, sum(u.delta)::integer as delta
    from unnest(p_session_ids, p_deltas) as u (id, delta)
    group by u.id
    having sum(u.delta) < 0
  ) as d
  where ss.id = d.id;

  -- places taken never beyond max_participants; under read committed a concurrent writer of the
  -- session waits for our row and re-checks the condition on the row we left
  with d as (
    select u.id, sum(u.delta)::integer as delta
    from unnest(p_session_ids, p_deltas) as u (id, delta)
    group by u.id
    having sum(u.delta) > 0
  ),
  counted as (
    update public.service_sessions as ss
    set current_participants = ss.current_participants + d.delta
    from d
    where ss.id = d.id
      and ss.current_participants + d.delta <= ss.max_participants
    returning ss.id
  )
  select (select count(*) from d)::integer, (select count(*) from counted)::integer into v_wanted, v_counted;
  if v_counted < v_wanted then
    perform private.raise_error('CAPACITY_REACHED', 'This session is full.', 'service_session_id');
  end if;
end
$$;

comment on function private.count_session_participants(uuid[], integer[]) is
  'Moves service_sessions.current_participants by the given deltas per session (parallel arrays, summed per session): decrements first (never below 0), then increments only while they fit max_participants, else CAPACITY_REACHED. The bookings statement triggers call it.';

revoke all on function private.count_session_participants(uuid[], integer[]) from public, anon, authenticated;
grant execute on function private.count_session_participants(uuid[], integer[]) to service_role;

create or replace function private.credit_candidate(p_booking public.bookings, p_n integer)
returns private.booking_candidate
language sql
stable
set search_path = ''
as $$
  select private.new_candidate(
    purpose => 'book',
    organization_id => p_booking.organization_id,
    service_id => p_booking.service_id,
    provider_id => p_booking.provider_id,
    client_id => p_booking.client_id,
    starts_at => p_booking.start_time,
    ends_at => p_booking.end_time,
    booking_kind => p_booking.booking_kind,
    subscription_id => p_booking.subscription_id,
    exclude_booking_id => p_booking.id,
    n => p_n
  )
$$;

comment on function private.credit_candidate(public.bookings, integer) is
  'The credit candidate (number p_n) of a written booking, as the bookings statement triggers hand it to private.settle_booking_credits.';

revoke all on function private.credit_candidate(public.bookings, integer) from public, anon, authenticated;
grant execute on function private.credit_candidate(public.bookings, integer) to service_role;

create or replace function private.bookings_after_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_credits private.booking_candidate[];
  v_sessions uuid[];
  v_deltas integer[];
begin
  if not exists (select 1 from new_rows) then
    return null;  -- a statement that wrote nothing (they fire too): nothing to do, no nested writes
  end if;
  -- credits: every live regular booking spends the credit it names (the booking core's choice)
  -- or the client's active subscription's, or is pay-per-session
  select array_agg(private.credit_candidate(n.booking, n.k))
  into v_credits
  from (select x.*, row(x.*)::public.bookings as booking, (row_number() over ())::integer as k from new_rows as x) as n
  where n.booking_kind = 'regular'
    and n.status <> 'cancelled';
  perform private.settle_booking_credits(v_credits);

  -- participants: every live booking takes a place in its session, except the founding booking
  -- of a 1-to-1 session created holding it (in this transaction, by the booking core)
  with joined as materialized (
    select n.id, n.service_session_id, n.status, ss.kind, ss.current_participants, ss.created_at,
           (n.start_time, n.end_time, n.provider_id, n.service_id)
             is distinct from (ss.starts_at, ss.ends_at, ss.provider_id, ss.service_id) as out_of_step
    from new_rows as n
    join public.service_sessions as ss on ss.id = n.service_session_id
  ),
  -- (a data-modifying CTE runs to completion whether or not it is read)
  synced as (
    update public.bookings as b
    set start_time = ss.starts_at, end_time = ss.ends_at, provider_id = ss.provider_id, service_id = ss.service_id
    from joined as j
    join public.service_sessions as ss on ss.id = j.service_session_id
    where b.id = j.id
      and j.out_of_step
    returning b.id
  )
  select array_agg(j.service_session_id), array_agg(1)
  into v_sessions, v_deltas
  from joined as j
  where j.status <> 'cancelled'
    and not (
      j.kind = 'individual'
      and j.current_participants = 1
      and j.created_at = now()
      and not exists (
        select 1
        from public.bookings as b
        where b.service_session_id = j.service_session_id
          and b.id <> j.id
          and b.status <> 'cancelled'
      )
    );
  if v_sessions is not null then
    perform private.count_session_participants(v_sessions, v_deltas);
  end if;

  insert into public.booking_status_history (organization_id, booking_id, from_status, to_status, changed_by, reason)
  select n.organization_id, n.id, null, n.status, (select auth.uid()), n.status_reason
  from new_rows as n;

  insert into public.outbox_events (organization_id, topic, payload)
  select n.organization_id, e.topic, e.payload
  from new_rows as n
  cross join lateral private.booking_created_events(n) as e;
  return null;
end
$$;

comment on function private.bookings_after_insert() is
  'AFTER INSERT statement trigger on bookings (transition table new_rows): credits settled under the subscriptions'' locks (private.settle_booking_credits: NO_CREDITS_LEFT), participants counted (private.count_session_participants: CAPACITY_REACHED; the founding booking of a 1-to-1 session created holding it is not counted twice), deprecated columns put right, booking_status_history (reason: status_reason) and booking.created / booking.pending outbox events for every row.';

revoke all on function private.bookings_after_insert() from public, anon, authenticated;

create or replace function private.bookings_after_update()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_credits private.booking_candidate[];
  v_sessions uuid[];
  v_deltas integer[];
begin
  if not exists (select 1 from new_rows) then
    return null;  -- a statement that wrote nothing (they fire too): nothing to do, no nested writes
  end if;
  -- a credit named anew, or a cancelled booking brought back with one (service calls), is
  -- re-checked under its subscription's lock
  select array_agg(private.credit_candidate(n.booking, n.k))
  into v_credits
  from (select x.*, row(x.*)::public.bookings as booking, (row_number() over ())::integer as k from new_rows as x) as n
  join old_rows as o on o.id = n.id
  where n.booking_kind = 'regular'
    and n.status <> 'cancelled'
    and n.subscription_id is not null
    and (n.subscription_id is distinct from o.subscription_id or o.status = 'cancelled');
  perform private.settle_booking_credits(v_credits);

  -- participants: leave the old session, join the new one
  select array_agg(c.session_id), array_agg(c.delta)
  into v_sessions, v_deltas
  from new_rows as n
  join old_rows as o on o.id = n.id
  cross join lateral (
    select o.service_session_id as session_id, -1 as delta
    where o.status <> 'cancelled'
      and not (n.status <> 'cancelled' and n.service_session_id = o.service_session_id)
    union all
    select n.service_session_id, 1
    where n.status <> 'cancelled'
      and not (o.status <> 'cancelled' and n.service_session_id = o.service_session_id)
  ) as c;
  if v_sessions is not null then
    perform private.count_session_participants(v_sessions, v_deltas);
  end if;

  -- a 1-to-1 session lives and dies with its booking
  update public.service_sessions as ss
  set status = case when n.status = 'cancelled' then 'cancelled' else 'completed' end
  from new_rows as n
  join old_rows as o on o.id = n.id
  where ss.id = n.service_session_id
    and n.status is distinct from o.status
    and n.status in ('cancelled', 'completed', 'no_show')
    and ss.kind = 'individual'
    and ss.status = 'scheduled'
    and not exists (
      select 1 from public.bookings as b
      where b.service_session_id = ss.id
        and b.status in ('pending', 'confirmed')
    );

  insert into public.booking_status_history (organization_id, booking_id, from_status, to_status, changed_by, reason)
  select n.organization_id, n.id, o.status, n.status, (select auth.uid()), n.status_reason
  from new_rows as n
  join old_rows as o on o.id = n.id
  where n.status is distinct from o.status;

  insert into public.outbox_events (organization_id, topic, payload)
  select n.organization_id, 'booking.' || n.status, jsonb_build_object(
    'booking_id', n.id,
    'client_id', n.client_id,
    'provider_id', n.provider_id,
    'service_session_id', n.service_session_id,
    'starts_at', n.start_time
  )
  from new_rows as n
  join old_rows as o on o.id = n.id
  where n.status is distinct from o.status
    and n.status in ('completed', 'no_show');
  return null;
end
$$;

comment on function private.bookings_after_update() is
  'AFTER UPDATE statement trigger on bookings (old_rows, new_rows): credits named anew or revived re-checked (private.settle_booking_credits), participants of status and session changes (private.count_session_participants), a 1-to-1 session cancelled/completed with its booking, booking_status_history for status changes (reason: status_reason), booking.completed / booking.no_show outbox events.';

revoke all on function private.bookings_after_update() from public, anon, authenticated;

create or replace function private.bookings_after_delete()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_sessions uuid[];
  v_deltas integer[];
begin
  if not exists (select 1 from old_rows) then
    return null;  -- a statement that wrote nothing (they fire too): nothing to do, no nested writes
  end if;
  select array_agg(o.service_session_id), array_agg(-1)
  into v_sessions, v_deltas
  from old_rows as o
  where o.status <> 'cancelled';
  if v_sessions is not null then
    perform private.count_session_participants(v_sessions, v_deltas);
  end if;
  return null;
end
$$;

comment on function private.bookings_after_delete() is
  'AFTER DELETE statement trigger on bookings (old_rows): the places of deleted live bookings are freed.';

revoke all on function private.bookings_after_delete() from public, anon, authenticated;

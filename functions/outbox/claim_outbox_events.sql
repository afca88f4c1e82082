-- claim_outbox_events(p_consumer, p_limit, p_topics): hand out up to p_limit undelivered events
-- to one worker of a consumer (service_role). Several workers of the same consumer may claim at
-- once: each event goes to one of them (for update skip locked), and stays with it for the
-- consumer's lease; unacked after that (the worker died), it is claimable again. Every claim is
-- an attempt: past max_attempts an expired claim is dead-lettered instead of handed out again.
--
-- Before claiming, the call looks for new events (at most 1,000 per cursor and call) and gives
-- each a delivery row; one claimer per consumer does this at a time (a concurrent claimer first
-- hands out what is already pending, and waits for its turn only when that is nothing), using
-- two cursors (see migration 20261127150000):
--   safe cursor:  events of finished transactions (xact_id < the snapshot's xmin), in
--                 (xact_id, id) order; it never passes a transaction that may still commit;
--   eager cursor: events already visible beyond it (committed ahead of an older transaction
--                 still running), so a long transaction does not hold deliveries back.

create or replace function private.discover_outbox_events(p_consumer text, p_wait boolean)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  c_scan constant integer := 1000;
  -- the clock, not the transaction start: a claimer whose transaction began earlier must still
  -- see these rows as due once they are committed
  v_now timestamptz := clock_timestamp();
  v_cursor ops.outbox_consumers;
  v_xmin bigint;
  v_scanned integer;
  v_last_xact bigint;
  v_last_id bigint;
begin
  if p_wait then
    select c.* into v_cursor from ops.outbox_consumers c where c.consumer = p_consumer for no key update;
  else
    select c.* into v_cursor from ops.outbox_consumers c where c.consumer = p_consumer for no key update skip locked;
  end if;
  if not found then
    return false;
  end if;

  -- taken before the scan: every transaction older than v_xmin has finished, so the scan's
  -- (later) snapshot sees all of their events
  v_xmin := pg_snapshot_xmin(pg_current_snapshot())::text::bigint;

  with scanned as (
    select e.id, e.organization_id, e.topic, e.created_at, e.xact_id
    from public.outbox_events e
    where (e.xact_id, e.id) > (v_cursor.safe_xact_id, v_cursor.safe_event_id)
      and e.xact_id < v_xmin
    order by e.xact_id, e.id
    limit c_scan
  ),
  registered as (
    insert into ops.outbox_deliveries (consumer, event_id, organization_id, topic, event_created_at, available_at)
    select p_consumer, s.id, s.organization_id, s.topic, s.created_at, v_now
    from scanned s
    where private.outbox_topic_matches(s.topic, v_cursor.topics)
      and not exists (
        select 1 from ops.outbox_deliveries d where d.consumer = p_consumer and d.event_id = s.id
      )
    on conflict do nothing
  )
  select count(*)::integer,
         (array_agg(s.xact_id order by s.xact_id desc, s.id desc))[1],
         (array_agg(s.id order by s.xact_id desc, s.id desc))[1]
  into v_scanned, v_last_xact, v_last_id
  from scanned s;

  if v_scanned = c_scan then
    v_cursor.safe_xact_id := v_last_xact;
    v_cursor.safe_event_id := v_last_id;
  elsif (v_xmin, 0::bigint) > (v_cursor.safe_xact_id, v_cursor.safe_event_id) then
    v_cursor.safe_xact_id := v_xmin;
    v_cursor.safe_event_id := 0;
  end if;
  if (v_cursor.safe_xact_id, v_cursor.safe_event_id) > (v_cursor.eager_xact_id, v_cursor.eager_event_id) then
    v_cursor.eager_xact_id := v_cursor.safe_xact_id;
    v_cursor.eager_event_id := v_cursor.safe_event_id;
  end if;

  with scanned as (
    select e.id, e.organization_id, e.topic, e.created_at, e.xact_id
    from public.outbox_events e
    where (e.xact_id, e.id) > (v_cursor.eager_xact_id, v_cursor.eager_event_id)
    order by e.xact_id, e.id
    limit c_scan
  ),
  registered as (
    insert into ops.outbox_deliveries (consumer, event_id, organization_id, topic, event_created_at, available_at)
    select p_consumer, s.id, s.organization_id, s.topic, s.created_at, v_now
    from scanned s
    where private.outbox_topic_matches(s.topic, v_cursor.topics)
      and not exists (
        select 1 from ops.outbox_deliveries d where d.consumer = p_consumer and d.event_id = s.id
      )
    on conflict do nothing
  )
  select (array_agg(s.xact_id order by s.xact_id desc, s.id desc))[1],
         (array_agg(s.id order by s.xact_id desc, s.id desc))[1]
  into v_last_xact, v_last_id
  from scanned s;

  update ops.outbox_consumers c
  set safe_xact_id = v_cursor.safe_xact_id,
      safe_event_id = v_cursor.safe_event_id,
      eager_xact_id = coalesce(v_last_xact, v_cursor.eager_xact_id),
      eager_event_id = coalesce(v_last_id, v_cursor.eager_event_id),
      last_claim_at = now()
  where c.consumer = p_consumer;
  return true;
end
$$;

comment on function private.discover_outbox_events(text, boolean) is
  'Gives the consumer''s new events their delivery rows (at most 1,000 per cursor) and moves its cursors, under the consumer''s row lock (p_wait: wait for it; else skip when another claimer holds it). Returns whether it ran.';

revoke all on function private.discover_outbox_events(text, boolean) from public, anon, authenticated;
grant execute on function private.discover_outbox_events(text, boolean) to service_role;

create or replace function private.claim_due_outbox_events(p_consumer ops.outbox_consumers, p_limit integer)
returns table (
  event_id bigint,
  organization_id uuid,
  topic text,
  payload jsonb,
  created_at timestamptz,
  attempt integer
)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_now timestamptz := clock_timestamp();
begin
  return query
  with due as (
    select d.event_id, d.attempts
    from ops.outbox_deliveries d
    where d.consumer = p_consumer.consumer
      and d.status = 'pending'
      and d.available_at <= v_now
    order by d.available_at, d.event_id
    limit p_limit
    for update skip locked
  ),
  settled as (
    update ops.outbox_deliveries d
    set attempts = d.attempts + (due.attempts < p_consumer.max_attempts)::integer,
        available_at = case when due.attempts < p_consumer.max_attempts then v_now + p_consumer.lease else d.available_at end,
        last_claimed_at = case when due.attempts < p_consumer.max_attempts then v_now else d.last_claimed_at end,
        status = case when due.attempts < p_consumer.max_attempts then 'pending' else 'dead' end,
        dead_at = case when due.attempts < p_consumer.max_attempts then null else v_now end,
        last_error = case when due.attempts < p_consumer.max_attempts then d.last_error
                          else 'The last attempt was neither acked nor failed before its lease ended.' end
    from due
    where d.consumer = p_consumer.consumer
      and d.event_id = due.event_id
    returning d.event_id, d.status, d.attempts, d.event_created_at
  )
  select e.id, e.organization_id, e.topic, e.payload, e.created_at, s.attempts
  from settled s
  join public.outbox_events e on e.id = s.event_id and e.created_at = s.event_created_at
  where s.status = 'pending'
  order by e.id;
end
$$;

comment on function private.claim_due_outbox_events(ops.outbox_consumers, integer) is
  'Claims up to p_limit due pending deliveries of the consumer (for update skip locked): attempts + 1, leased until now() + lease; one whose attempts are spent (an expired last claim) is dead-lettered instead. Returns the claimed events.';

revoke all on function private.claim_due_outbox_events(ops.outbox_consumers, integer) from public, anon, authenticated;
grant execute on function private.claim_due_outbox_events(ops.outbox_consumers, integer) to service_role;

create or replace function public.claim_outbox_events(
  p_consumer text,
  p_limit integer default 100,
  p_topics text[] default null
)
returns table (
  event_id bigint,
  organization_id uuid,
  topic text,
  payload jsonb,
  created_at timestamptz,
  attempt integer
)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_consumer ops.outbox_consumers;
  v_discovered boolean;
  v_claimed integer;
begin
  perform private.require_service_call('Only service_role claims outbox events.');
  if p_limit is null or p_limit not between 1 and 1000 then
    perform private.raise_error('INVALID_REQUEST', 'Claim between 1 and 1000 events at a time.', 'p_limit');
  end if;
  v_consumer := private.outbox_consumer(p_consumer, p_topics);

  v_discovered := private.discover_outbox_events(p_consumer, false);
  return query select * from private.claim_due_outbox_events(v_consumer, p_limit);
  get diagnostics v_claimed = row_count;
  if v_claimed = 0 and not v_discovered then
    -- nothing pending while another claimer was looking for new events: wait for its turn
    perform private.discover_outbox_events(p_consumer, true);
    return query select * from private.claim_due_outbox_events(v_consumer, p_limit);
  end if;
end
$$;

comment on function public.claim_outbox_events(text, integer, text[]) is
  'Hands up to p_limit (1..1000) undelivered events to a worker of consumer p_consumer (service_role): each event to one worker at a time, for the consumer''s lease. Every consumer sees every event once; a new name registers a consumer that receives events from now on, for the topic patterns p_topics (null = every topic; for an existing consumer they must be the ones it has). Ack with ack_outbox_events, report a failure with fail_outbox_event; an expired claim counts as a failed attempt. attempt = 1 for the first delivery. Errors: UNAUTHORIZED, FORBIDDEN, INVALID_REQUEST, CONFLICT (other topics).';

revoke all on function public.claim_outbox_events(text, integer, text[]) from public, anon, authenticated;
grant execute on function public.claim_outbox_events(text, integer, text[]) to service_role;

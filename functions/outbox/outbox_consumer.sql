-- Outbox consumers: registration (by their first claim, or explicitly with
-- configure_outbox_consumer) and their retry policy. A consumer sees the events written from
-- its registration on: its cursors start at the oldest transaction still running.

create or replace function private.consumer_topics(p_topics text[])
returns text[]
language plpgsql
set search_path = ''
as $$
declare
  v_topics text[] := private.normalize_topic_patterns(p_topics);
begin
  return case when '*' = any (v_topics) then null else v_topics end;
end
$$;

comment on function private.consumer_topics(text[]) is
  'Normalized topic patterns of a consumer (private.normalize_topic_patterns); null when they include * (every topic).';

revoke all on function private.consumer_topics(text[]) from public, anon, authenticated;
grant execute on function private.consumer_topics(text[]) to service_role;

create or replace function private.outbox_consumer(p_consumer text, p_topics text[] default null)
returns ops.outbox_consumers
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_topics text[] := private.consumer_topics(p_topics);
  v_start bigint := pg_snapshot_xmin(pg_current_snapshot())::text::bigint;
  v_consumer ops.outbox_consumers;
begin
  if p_consumer is null or p_consumer !~ '^[a-z][a-z0-9_.:-]{0,62}$' then
    perform private.raise_error(
      'INVALID_REQUEST',
      'A consumer name is required: lower case letters, digits and _ . : - (at most 63), starting with a letter.',
      'p_consumer'
    );
  end if;

  insert into ops.outbox_consumers (consumer, topics, safe_xact_id, eager_xact_id)
  values (p_consumer, v_topics, v_start, v_start)
  on conflict (consumer) do nothing;

  select c.* into v_consumer from ops.outbox_consumers c where c.consumer = p_consumer;
  if p_topics is not null and v_topics is distinct from v_consumer.topics then
    perform private.raise_error(
      'CONFLICT',
      format('Consumer %s receives %s; change its topics with configure_outbox_consumer.',
             p_consumer, coalesce(array_to_string(v_consumer.topics, ', '), 'every topic')),
      'p_topics'
    );
  end if;
  return v_consumer;
end
$$;

comment on function private.outbox_consumer(text, text[]) is
  'The consumer''s row, registered if new (topics p_topics, cursors at the oldest running transaction). INVALID_REQUEST for a bad name or pattern; CONFLICT when p_topics differs from the topics it is registered with.';

revoke all on function private.outbox_consumer(text, text[]) from public, anon, authenticated;
grant execute on function private.outbox_consumer(text, text[]) to service_role;

create or replace function public.configure_outbox_consumer(
  p_consumer text,
  p_topics text[] default null,
  p_max_attempts integer default null,
  p_retry_base_seconds numeric default null,
  p_retry_max_seconds numeric default null,
  p_lease_seconds numeric default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_consumer ops.outbox_consumers;
begin
  perform private.require_service_call('Only service_role configures outbox consumers.');
  perform private.outbox_consumer(p_consumer);

  if p_max_attempts is not null and p_max_attempts not between 1 and 100 then
    perform private.raise_error('INVALID_REQUEST', 'max_attempts must be between 1 and 100.', 'p_max_attempts');
  end if;
  if p_retry_base_seconds is not null and p_retry_base_seconds not between 0.001 and 604800 then
    perform private.raise_error('INVALID_REQUEST', 'The first retry delay must be between 1 ms and 7 days.', 'p_retry_base_seconds');
  end if;
  if p_retry_max_seconds is not null and p_retry_max_seconds not between 0.001 and 604800 then
    perform private.raise_error('INVALID_REQUEST', 'The longest retry delay must be between 1 ms and 7 days.', 'p_retry_max_seconds');
  end if;
  if p_lease_seconds is not null and p_lease_seconds not between 1 and 86400 then
    perform private.raise_error('INVALID_REQUEST', 'The lease must be between 1 second and 1 day.', 'p_lease_seconds');
  end if;

  begin
    update ops.outbox_consumers c
    set topics = case when p_topics is null then c.topics else private.consumer_topics(p_topics) end,
        max_attempts = coalesce(p_max_attempts, c.max_attempts),
        retry_base = coalesce(make_interval(secs => p_retry_base_seconds::double precision), c.retry_base),
        retry_max = coalesce(make_interval(secs => p_retry_max_seconds::double precision), c.retry_max),
        lease = coalesce(make_interval(secs => p_lease_seconds::double precision), c.lease),
        updated_at = now()
    where c.consumer = p_consumer
    returning c.* into v_consumer;
  exception when check_violation then
    perform private.raise_error('INVALID_REQUEST', 'The longest retry delay must not be shorter than the first.', 'p_retry_max_seconds');
  end;

  return private.outbox_consumer_json(v_consumer);
end
$$;

comment on function public.configure_outbox_consumer(text, text[], integer, numeric, numeric, numeric) is
  'Registers an outbox consumer or changes it (service_role): topic patterns (array[''*''] = every topic; null = unchanged), claims per event before the dead letter, first and longest retry delay (doubling in between), lease of a claim. Returns the consumer. Errors: UNAUTHORIZED, FORBIDDEN, INVALID_REQUEST.
@returns {consumer: text, topics: text[] | null, max_attempts: integer, retry_base_seconds: number, retry_max_seconds: number, lease_seconds: number, created_at: timestamptz}';

revoke all on function public.configure_outbox_consumer(text, text[], integer, numeric, numeric, numeric) from public, anon, authenticated;
grant execute on function public.configure_outbox_consumer(text, text[], integer, numeric, numeric, numeric) to service_role;

create or replace function private.outbox_consumer_json(p_consumer ops.outbox_consumers)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'consumer', p_consumer.consumer,
    'topics', p_consumer.topics,
    'max_attempts', p_consumer.max_attempts,
    'retry_base_seconds', extract(epoch from p_consumer.retry_base),
    'retry_max_seconds', extract(epoch from p_consumer.retry_max),
    'lease_seconds', extract(epoch from p_consumer.lease),
    'created_at', p_consumer.created_at
  )
$$;

comment on function private.outbox_consumer_json(ops.outbox_consumers) is 'An outbox consumer''s settings as returned by configure_outbox_consumer.';

revoke all on function private.outbox_consumer_json(ops.outbox_consumers) from public, anon, authenticated;
grant execute on function private.outbox_consumer_json(ops.outbox_consumers) to service_role;

create or replace function private.require_outbox_consumer(p_consumer text)
returns ops.outbox_consumers
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_consumer ops.outbox_consumers;
begin
  if p_consumer is null or btrim(p_consumer) = '' then
    perform private.raise_error('INVALID_REQUEST', 'A consumer name is required.', 'p_consumer');
  end if;
  select c.* into v_consumer from ops.outbox_consumers c where c.consumer = p_consumer;
  if not found then
    perform private.raise_error('NOT_FOUND', format('No outbox consumer is called %s.', p_consumer), 'p_consumer');
  end if;
  return v_consumer;
end
$$;

comment on function private.require_outbox_consumer(text) is
  'The registered consumer''s row; INVALID_REQUEST without a name, NOT_FOUND when no consumer has it.';

revoke all on function private.require_outbox_consumer(text) from public, anon, authenticated;
grant execute on function private.require_outbox_consumer(text) to service_role;

create or replace function private.require_outbox_batch(p_consumer text, p_event_ids bigint[], p_verb text)
returns ops.outbox_consumers
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_consumer ops.outbox_consumers;
begin
  perform private.require_service_call(format('Only service_role may %s outbox events.', p_verb));
  v_consumer := private.require_outbox_consumer(p_consumer);
  if p_event_ids is null then
    perform private.raise_error('INVALID_REQUEST', format('The event ids to %s are required.', p_verb), 'p_event_ids');
  end if;
  return v_consumer;
end
$$;

comment on function private.require_outbox_batch(text, bigint[], text) is
  'The checks shared by ack/release/requeue_outbox_events: a service call (UNAUTHORIZED, FORBIDDEN), the event ids given (INVALID_REQUEST), the registered consumer (INVALID_REQUEST, NOT_FOUND); p_verb names the action in the messages.';

revoke all on function private.require_outbox_batch(text, bigint[], text) from public, anon, authenticated;
grant execute on function private.require_outbox_batch(text, bigint[], text) to service_role;

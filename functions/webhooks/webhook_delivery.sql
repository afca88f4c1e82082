-- What the webhook worker (consumer "webhooks", service_role) reads and writes:
--   webhook_targets(event ids)   -> for each event, the active subscriptions of its organization
--                                   whose topics match, created before the event, that have not
--                                   received it yet; with URL and signing secret;
--   record_webhook_attempt(...)  -> one webhook_deliveries row per HTTP attempt. A 2xx marks the
--                                   (subscription, event) done: retries of the event skip it.

create or replace function public.webhook_targets(p_event_ids bigint[])
returns table (event_id bigint, subscription_id uuid, url text, secret text)
language plpgsql
stable
security definer
set search_path = ''
as $$
#variable_conflict use_column
begin
  perform private.require_service_call('Only the outbox worker (service_role) reads webhook targets.');
  if p_event_ids is null then
    perform private.raise_error('INVALID_REQUEST', 'The event ids are required.', 'p_event_ids');
  end if;
  return query
  select e.id, s.id, s.url, w.secret
  from public.outbox_events e
  join public.webhook_subscriptions s
    on s.organization_id = e.organization_id
   and s.is_active
   and s.created_at <= e.created_at
   and private.outbox_topic_matches(e.topic, s.topics)
  join private.webhook_secrets w on w.subscription_id = s.id
  where e.id = any (p_event_ids)
    and not exists (
      select 1 from public.webhook_deliveries d
      where d.subscription_id = s.id and d.event_id = e.id and d.succeeded
    )
  order by e.id, s.created_at, s.id;
end
$$;

comment on function public.webhook_targets(bigint[]) is
  'For the outbox worker (service_role): per event, the webhook subscriptions still to deliver it to (active, topic matches, created before the event, no successful attempt yet), with URL and signing secret. Errors: UNAUTHORIZED, FORBIDDEN, INVALID_REQUEST.';

revoke all on function public.webhook_targets(bigint[]) from public, anon, authenticated;
grant execute on function public.webhook_targets(bigint[]) to service_role;

create or replace function public.record_webhook_attempt(
  p_subscription_id uuid,
  p_event_id bigint,
  p_attempt integer,
  p_status_code integer default null,
  p_error text default null,
  p_duration_ms integer default null
)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_subscription public.webhook_subscriptions;
  v_topic text;
  v_succeeded boolean := coalesce(p_status_code between 200 and 299, false);
begin
  perform private.require_service_call('Only the outbox worker (service_role) records webhook attempts.');
  if p_attempt is null or p_attempt < 1 then
    perform private.raise_error('INVALID_REQUEST', 'The attempt number (1 or more) is required.', 'p_attempt');
  end if;
  if p_status_code is not null and p_status_code not between 100 and 599 then
    perform private.raise_error('INVALID_REQUEST', 'An HTTP status is between 100 and 599.', 'p_status_code');
  end if;
  if p_status_code is null and (p_error is null or btrim(p_error) = '') then
    perform private.raise_error('INVALID_REQUEST', 'Without an HTTP status, say what went wrong.', 'p_error');
  end if;
  select s.* into v_subscription from public.webhook_subscriptions s where s.id = p_subscription_id;
  if v_subscription.id is null then
    perform private.raise_error('NOT_FOUND', 'Webhook subscription not found.', 'p_subscription_id');
  end if;
  select e.topic into v_topic
  from public.outbox_events e
  where e.id = p_event_id and e.organization_id = v_subscription.organization_id;
  if v_topic is null then
    perform private.raise_error('NOT_FOUND', 'No event of the subscription''s organization has this id.', 'p_event_id');
  end if;

  insert into public.webhook_deliveries
    (organization_id, subscription_id, event_id, topic, attempt, status_code, error, duration_ms, succeeded)
  values
    (v_subscription.organization_id, p_subscription_id, p_event_id, v_topic, p_attempt, p_status_code,
     left(p_error, 2000), greatest(p_duration_ms, 0), v_succeeded)
  on conflict (subscription_id, event_id) where succeeded do nothing;
  return v_succeeded;
end
$$;

comment on function public.record_webhook_attempt(uuid, bigint, integer, integer, text, integer) is
  'For the outbox worker (service_role): logs one HTTP attempt of an event to a subscription (status code or error, duration) and returns whether it succeeded (2xx); a second success for the same pair is ignored. Errors: UNAUTHORIZED, FORBIDDEN, INVALID_REQUEST, NOT_FOUND.';

revoke all on function public.record_webhook_attempt(uuid, bigint, integer, integer, text, integer) from public, anon, authenticated;
grant execute on function public.record_webhook_attempt(uuid, bigint, integer, integer, text, integer) to service_role;

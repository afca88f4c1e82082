-- private.expire_subscriptions: run hourly by the pg_cron job expire-subscriptions
-- (migration 20261124020500). Active or paused subscriptions whose expires_at has passed become
-- expired (their credits can no longer be spent; bookings already made keep their credit), the
-- client is told through a subscription.expired outbox event, and each organization gets one
-- audit_log entry per run.

create or replace function private.expire_subscriptions()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  with expired as (
    update public.subscriptions s
    set status = 'expired'
    where s.status in ('active', 'paused')
      and s.expires_at <= now()
    returning s.id, s.organization_id, s.client_id, s.expires_at
  ),
  events as (
    insert into public.outbox_events (organization_id, topic, payload)
    select e.organization_id, 'subscription.expired',
           jsonb_build_object('subscription_id', e.id, 'client_id', e.client_id, 'expires_at', e.expires_at)
    from expired e
    returning 1
  ),
  audits as (
    insert into public.audit_log (organization_id, action, entity, new_values)
    select e.organization_id, 'subscriptions.expired', 'subscriptions',
           jsonb_build_object('count', count(*), 'subscription_ids', jsonb_agg(e.id order by e.id))
    from expired e
    group by e.organization_id
    returning 1
  )
  select count(*)::integer into v_count from expired;
  return v_count;
end
$$;

comment on function private.expire_subscriptions() is
  'pg_cron job expire-subscriptions: active/paused subscriptions past expires_at become expired, with a subscription.expired outbox event each and one audit_log entry per organization. Returns how many expired.';

revoke all on function private.expire_subscriptions() from public, anon, authenticated;
grant execute on function private.expire_subscriptions() to service_role;

-- The credit arithmetic, defined once (private.subscription_usage), and how callers read it:
-- subscription_balance(p_subscription_id) and the subscription_balances view (kept in this file
-- because the view needs the function). Credits are never a stored counter: they are computed
-- from the bookings that reference the subscription, bucketed by status and by the cancellation
-- policy recorded when a booking was cancelled:
--   completed  = bookings attended (status completed)
--   scheduled  = bookings still to come (pending, confirmed)
--   forfeited  = no-shows and late cancellations (credit_forfeited)
--   restored   = timely cancellations (credit_restored): the credit is back, not counted
--   remaining  = total - completed - scheduled - forfeited
-- so completed + scheduled + forfeited + remaining = total by construction, and remaining >= 0
-- because every write that spends a credit holds the subscription's row lock while counting.

create or replace function private.subscription_usage(p_subscription_id uuid)
returns table (completed integer, scheduled integer, forfeited integer, restored integer, unclassified integer)
language sql
stable
security definer
set search_path = ''
as $$
  select
    (count(*) filter (where b.status = 'completed'))::integer,
    (count(*) filter (where b.status in ('pending', 'confirmed')))::integer,
    (count(*) filter (where b.status = 'no_show'
                         or (b.status = 'cancelled' and c.cancellation_policy_applied = 'credit_forfeited')))::integer,
    (count(*) filter (where b.status = 'cancelled' and c.cancellation_policy_applied = 'credit_restored'))::integer,
    (count(*) filter (where b.status = 'cancelled'
                        and c.cancellation_policy_applied is distinct from 'credit_restored'
                        and c.cancellation_policy_applied is distinct from 'credit_forfeited'))::integer
  from public.subscriptions s
  left join public.bookings b on b.subscription_id = s.id
  left join public.booking_cancellations c on c.booking_id = b.id
  where s.id = p_subscription_id
    and (private.is_service_call() or private.can_view_subscription(s.organization_id, s.client_id))
  group by s.id
$$;

comment on function private.subscription_usage(uuid) is
  'Credit buckets of a subscription computed from its bookings: completed, scheduled (pending/confirmed), forfeited (no_show, credit_forfeited cancellations), restored (credit_restored cancellations) and unclassified (cancelled without a restored/forfeited record: counted as restored, reported by integrity_report). No row unless the caller may see the subscription (private.can_view_subscription, the rule of its RLS) or the request is a service call: the subscription_balances view calls it as the caller, so a direct call with any id reveals nothing more than the view.';

revoke all on function private.subscription_usage(uuid) from public, anon;
grant execute on function private.subscription_usage(uuid) to authenticated, service_role;

create or replace function public.subscription_balance(p_subscription_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_sub public.subscriptions;
  v_usage record;
  v_service boolean := private.is_service_call();
begin
  if not v_service and (select auth.uid()) is null then
    perform private.raise_error('UNAUTHORIZED', 'You must be signed in.');
  end if;
  if p_subscription_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A subscription id is required.', 'p_subscription_id');
  end if;

  select s.* into v_sub
  from public.subscriptions s
  where s.id = p_subscription_id;
  if v_sub.id is null or not (v_service or private.can_view_subscription(v_sub.organization_id, v_sub.client_id)) then
    perform private.raise_error('NOT_FOUND', 'Subscription not found.', 'p_subscription_id');
  end if;

  select u.* into v_usage from private.subscription_usage(v_sub.id) u;
  return jsonb_build_object(
    'subscription_id', v_sub.id,
    'status', v_sub.status,
    'expires_at', v_sub.expires_at,
    'total', v_sub.total_sessions,
    'completed', v_usage.completed,
    'scheduled', v_usage.scheduled,
    'forfeited', v_usage.forfeited,
    'remaining', v_sub.total_sessions - v_usage.completed - v_usage.scheduled - v_usage.forfeited
  );
end
$$;

comment on function public.subscription_balance(uuid) is
  'Balance of a subscription: {subscription_id, status, expires_at, total, completed, scheduled, forfeited, remaining} with completed + scheduled + forfeited + remaining = total, computed from its bookings. Visible to the client, owners/admins and the client''s providers; UNAUTHORIZED, INVALID_REQUEST, NOT_FOUND.
@returns {subscription_id: uuid, status: text, expires_at: timestamptz | null, total: integer, completed: integer, scheduled: integer, forfeited: integer, remaining: integer}';

revoke execute on function public.subscription_balance(uuid) from public, anon;
grant execute on function public.subscription_balance(uuid) to authenticated, service_role;

create or replace view public.subscription_balances
with (security_invoker = true) as
select
  s.id as subscription_id,
  s.organization_id,
  s.client_id,
  s.package_id,
  s.status,
  s.starts_at,
  s.expires_at,
  s.total_sessions as total,
  u.completed,
  u.scheduled,
  u.forfeited,
  s.total_sessions - u.completed - u.scheduled - u.forfeited as remaining
from public.subscriptions as s
cross join lateral private.subscription_usage(s.id) as u;

comment on view public.subscription_balances is 'Balance of every subscription the caller may see (RLS on subscriptions: own, owners/admins, the client''s providers): total, completed, scheduled, forfeited, remaining, with completed + scheduled + forfeited + remaining = total. Same numbers as subscription_balance().';

revoke all on public.subscription_balances from anon;
grant select on public.subscription_balances to authenticated, service_role;

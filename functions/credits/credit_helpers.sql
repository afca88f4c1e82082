-- Helpers of the credit rules: the credits a subscription has spent (read under its row lock by
-- every path that spends one), and who may see a subscription and its balance.

create or replace function private.subscription_credits_used(p_subscription_id uuid, p_except_booking_id uuid default null)
returns integer
language sql
stable
security definer
set search_path = ''
as $$
  select count(*)::integer
  from public.bookings b
  left join public.booking_cancellations c on c.booking_id = b.id
  where b.subscription_id = p_subscription_id
    and b.id is distinct from p_except_booking_id
    and (b.status in ('pending', 'confirmed', 'completed', 'no_show')
         or (b.status = 'cancelled' and c.cancellation_policy_applied = 'credit_forfeited'))
$$;

comment on function private.subscription_credits_used(uuid, uuid) is
  'Credits of a subscription spent: completed + scheduled + forfeited bookings (optionally ignoring one booking). Call it only while holding the subscription''s row lock when the answer decides whether a credit may be spent.';

revoke all on function private.subscription_credits_used(uuid, uuid) from public, anon;
grant execute on function private.subscription_credits_used(uuid, uuid) to service_role;

create or replace function private.is_provider_of_client(p_organization_id uuid, p_client_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.has_role(p_organization_id, array['provider'])
     and exists (
       select 1
       from public.bookings b
       where b.client_id = p_client_id
         and b.organization_id = p_organization_id
         and b.provider_id = (select auth.uid())
     )
$$;

comment on function private.is_provider_of_client(uuid, uuid) is
  'True when the caller is a provider of the organization who has (or had) a booking with this client: "their client".';

revoke all on function private.is_provider_of_client(uuid, uuid) from public, anon, authenticated;
grant execute on function private.is_provider_of_client(uuid, uuid) to service_role;

create or replace function private.can_view_subscription(p_organization_id uuid, p_client_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.has_role(p_organization_id, array['owner', 'admin'])
      or (p_client_id = (select auth.uid()) and private.is_member(p_organization_id))
      or private.is_provider_of_client(p_organization_id, p_client_id)
$$;

comment on function private.can_view_subscription(uuid, uuid) is
  'Who sees a subscription and its balance (RLS on subscriptions, subscription_balance): owners/admins of its organization, its client, and providers of the organization who work with that client.';

revoke all on function private.can_view_subscription(uuid, uuid) from public, anon;
grant execute on function private.can_view_subscription(uuid, uuid) to authenticated, service_role;

-- Credits and subscriptions 3/6 (contract, guarded): at most one active subscription per client
-- and organization.
-- Why: with several active subscriptions the database cannot tell which one a booking spends,
-- and balances drift. Legacy databases may still hold duplicates: the subscription_links
-- backfill resolves them (keeps one, marks the others superseded). Until it has run this
-- migration raises BACKFILL_REQUIRED and changes nothing; on a fresh database it just creates
-- the index.

set local lock_timeout = '5s';

do $$
declare
  v_clients bigint;
begin
  -- no new duplicate can appear between the check and the index build (when the migration runs
  -- in one transaction, as sessionkit push does; in a DO block so it is valid either way)
  lock table public.subscriptions in share mode;
  select count(*) into v_clients
  from (
    select 1
    from public.subscriptions s
    where s.status = 'active'
    group by s.organization_id, s.client_id
    having count(*) > 1
  ) as d;
  if v_clients > 0 then
    perform private.raise_error(
      'BACKFILL_REQUIRED',
      format('%s client(s) hold more than one active subscription in the same organization. Run `sessionkit backfill run subscription_links`, then apply this migration again.', v_clients),
      'subscriptions'
    );
  end if;
end
$$;

create unique index subscriptions_one_active_per_client
  on public.subscriptions (organization_id, client_id)
  where status = 'active';

comment on index public.subscriptions_one_active_per_client is 'At most one active subscription per (organization_id, client_id): the one whose credits bookings spend. create_subscription reports ALREADY_ACTIVE_SUBSCRIPTION; direct inserts fail with unique_violation (23505).';

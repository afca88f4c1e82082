-- Spending a credit: every regular booking written to public.bookings, by whatever path (the
-- booking core behind book_session / book_individual_session / book_treatment / the recurring
-- dispatcher, a legacy frontend's insert, a service writing rows), is settled by the bookings
-- statement triggers (functions/bookings/booking_triggers.sql) through
-- private.settle_booking_credits, with the booking rule's own answer (private.candidate_credits,
-- functions/rules/credits.sql):
--   * the subscriptions involved are locked first (select ... for no key update, in id order): the one
--     each row names and the client's active one for rows that name none. Concurrent writers of
--     one client queue here, and each then counts (a new statement, a new snapshot) what the
--     ones before it spent;
--   * a row that names a subscription must be allowed to spend it (active, for users; a credit
--     left counting every row of the statement); a row that names none spends the client's active
--     subscription's credit when it has one (valid at its start, a credit left), else it is
--     pay-per-session, unless the organization requires a subscription: NO_CREDITS_LEFT;
--   * the rows that named none get their subscription_id.
-- Cancelling, completing and no-shows spend nothing new: the buckets of
-- private.subscription_usage account for them.

create or replace function private.settle_booking_credits(p_candidates private.booking_candidate[])
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_failure record;
begin
  if p_candidates is null then
    return;
  end if;

  -- (two index lookups: the named ones by key, the clients' active one by the one-active-per-
  -- client index; an OR of both in one filter read every subscription, per booking)
  perform 1
  from public.subscriptions as s
  where s.id in (
    select c.subscription_id from unnest(p_candidates) as c where c.subscription_id is not null
    union
    select a.id
    from unnest(p_candidates) as c
    join public.subscriptions as a
      on a.organization_id = c.organization_id
     and a.client_id = c.client_id
     and a.status = 'active'
    where c.subscription_id is null
  )
  order by s.id
  -- no key update: the foreign key checks of the rows just written hold key share locks on these
  -- same rows, which this mode (unlike for update) does not wait for
  for no key update of s;

  -- a new statement: it sees every booking committed before our locks
  with judged as materialized (
    select cr.n, cr.subscription_id, cr.code, cr.detail, cr.hint, c.exclude_booking_id as booking_id,
           c.subscription_id as named_id
    from private.candidate_credits(p_candidates, true) as cr
    join unnest(p_candidates) as c on c.n = cr.n
  ),
  chosen as (
    update public.bookings as b
    set subscription_id = j.subscription_id
    from judged as j
    where b.id = j.booking_id
      and j.named_id is null
      and j.subscription_id is not null
      and not exists (select 1 from judged as f where f.code is not null)
    returning b.id
  )
  select j.code, j.detail, j.hint into v_failure
  from judged as j
  where j.code is not null
  order by j.n
  limit 1;
  if found then
    perform private.raise_error(v_failure.code, v_failure.detail,
                                private.rule_hint(v_failure.hint, 'p_', '{"subscription_id": "subscription_id"}'));
  end if;
end
$$;

comment on function private.settle_booking_credits(private.booking_candidate[]) is
  'Credits of bookings just written (candidates of purpose book: exclude_booking_id = the booking, subscription_id = the credit it names or null): locks the subscriptions involved in id order, asks private.candidate_credits (together) on a fresh snapshot, raises the first NO_CREDITS_LEFT, and writes the chosen subscription_id on the rows that named none.';

revoke all on function private.settle_booking_credits(private.booking_candidate[]) from public, anon, authenticated;
grant execute on function private.settle_booking_credits(private.booking_candidate[]) to service_role;

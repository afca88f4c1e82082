-- Credits and subscriptions 2/6 (expand): a booking names the subscription whose credit it spent.
-- Why: balances used to be derived from client_id alone, so credits were counted against (and
-- restored to) whichever subscription happened to be active. From now on a regular booking that
-- spends a credit carries its subscription_id, set by the database under the subscription's row
-- lock; trial and guest bookings never carry one. The foreign key includes organization_id and
-- client_id, so the subscription is always the booking's own client's, in the booking's own
-- organization. Both constraints are added not valid and validated by 20261124020400.

set local lock_timeout = '5s';

alter table public.bookings add column subscription_id uuid;

alter table public.bookings
  add constraint bookings_subscription_fkey
  foreign key (organization_id, client_id, subscription_id)
  references public.subscriptions (organization_id, client_id, id)
  not valid;

-- backs the foreign key and every balance computation (bookings of one subscription)
create index bookings_subscription_idx
  on public.bookings (subscription_id, organization_id, client_id)
  where subscription_id is not null;

alter table public.bookings
  add constraint bookings_subscription_kind_check
  check (booking_kind = 'regular' or subscription_id is null) not valid;

comment on column public.bookings.subscription_id is 'Subscription whose credit this booking spent (set by the database when a regular booking is created; kept when it is cancelled, so a restored credit returns to this subscription and no other). Null = pay-per-session, and always null for trial and guest bookings.';
comment on constraint bookings_subscription_kind_check on public.bookings is 'Trial and guest bookings never spend a subscription credit.';

-- Credits and subscriptions 1/6 (expand): the 'superseded' status and a tenant-safe key.
-- Why: the subscription_links backfill keeps one active subscription per client and marks the
-- others 'superseded' (never deleted: bookings may have spent their credits). Bookings will
-- reference (organization_id, client_id, id), so a booking can only ever spend a credit of its
-- own client in its own organization. The new check is validated by 20261124020400.

set local lock_timeout = '5s';

-- the check is replaced by a wider one in the same statement (no window without it)
alter table public.subscriptions
  -- squawk-ignore ban-drop-constraint
  drop constraint subscriptions_status_check,
  add constraint subscriptions_status_check
  check (status in ('active', 'paused', 'completed', 'expired', 'cancelled', 'superseded')) not valid;

-- target of the composite foreign key bookings (organization_id, client_id, subscription_id)
create unique index subscriptions_organization_id_client_id_id_key
  on public.subscriptions (organization_id, client_id, id);

-- the expiry job looks only at subscriptions that can still expire
create index subscriptions_expires_at_idx
  on public.subscriptions (expires_at)
  where status in ('active', 'paused');

comment on column public.subscriptions.status is 'active (credits can be spent; at most one per client and organization) | paused | completed | expired (set by the expire-subscriptions pg_cron job once expires_at has passed) | cancelled | superseded (a duplicate active subscription retired by the subscription_links backfill). Only active subscriptions are spent.';
comment on column public.subscriptions.client_id is 'auth.users id of the client who owns the credits (a client member of the organization).';
comment on column public.subscriptions.package_id is 'Package bought (a package of the same organization); total_sessions and expires_at are copied from it at purchase.';
comment on column public.subscriptions.starts_at is 'Start of validity: credits are spent only on sessions starting at or after it.';

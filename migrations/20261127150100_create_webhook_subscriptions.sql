-- Outbox delivery 2/5: webhook subscriptions of organizations.
-- Why: organizations want their events (booking.created, booking.cancelled, booking.reminder…)
-- pushed to their own systems. An owner/admin subscribes a URL to topic patterns; the outbox
-- worker (`sessionkit outbox work`, consumer "webhooks") POSTs each event there, signed with
-- the subscription's secret (HMAC-SHA256, docs/outbox.md), and logs every attempt.
--  * public.webhook_subscriptions: what users see and manage (RLS: owners/admins), with a hint
--    of the secret (its last 4 characters) but never the secret;
--  * private.webhook_secrets: the signing secrets, in a schema PostgREST does not expose and
--    no user role may read; create_webhook_subscription / rotate_webhook_secret return a new
--    secret once, the worker (service_role) reads it through webhook_targets();
--  * public.webhook_deliveries: one row per attempt (status code, error, duration), so admins
--    can see why their endpoint is not receiving; at most one successful row per
--    (subscription, event), which is how a retried event skips the endpoints that have it.

set local lock_timeout = '5s';

create table public.webhook_subscriptions (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  url text not null,
  topics text[] not null default array['*'],
  description text,
  is_active boolean not null default true,
  secret_hint text not null,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint webhook_subscriptions_url_check check (url ~ '^https?://[^/?#@[:space:]]+([/?#][^[:space:]]*)?$' and length(url) <= 2000),
  constraint webhook_subscriptions_topics_check check (cardinality(topics) between 1 and 50),
  constraint webhook_subscriptions_description_length check (length(description) <= 500),
  constraint webhook_subscriptions_organization_id_id_key unique (organization_id, id)
);

create index webhook_subscriptions_created_by_idx on public.webhook_subscriptions (created_by);

alter table public.webhook_subscriptions enable row level security;

comment on table public.webhook_subscriptions is 'An organization''s webhook endpoint: events whose topic matches topics are POSTed to url, signed with the subscription''s secret (header X-Sessionkit-Signature, see docs/outbox.md). Owners/admins read, update (url, topics, description, is_active) and delete; create with create_webhook_subscription (returns the secret once), new secret with rotate_webhook_secret.';
comment on column public.webhook_subscriptions.url is 'http(s) URL the events are POSTed to.';
comment on column public.webhook_subscriptions.topics is 'Topic patterns: booking.cancelled, booking.* or *. Normalized (sorted, no duplicates).';
comment on column public.webhook_subscriptions.is_active is 'false = paused: no deliveries, events in between are not sent later.';
comment on column public.webhook_subscriptions.secret_hint is 'Last 4 characters of the signing secret, to tell secrets apart; the secret itself is never readable through the API.';
comment on column public.webhook_subscriptions.created_at is 'Events written before this are not sent to the subscription.';

create table private.webhook_secrets (
  subscription_id uuid primary key references public.webhook_subscriptions (id) on delete cascade,
  secret text not null,
  rotated_at timestamptz not null default now(),
  constraint webhook_secrets_secret_length check (length(secret) between 24 and 200)
);

alter table private.webhook_secrets enable row level security;

revoke all on private.webhook_secrets from public, anon, authenticated, service_role;

comment on table private.webhook_secrets is 'Signing secret of each webhook subscription (HMAC-SHA256 key). Not exposed: read by webhook_targets() (service_role) for the worker, written by create_webhook_subscription / rotate_webhook_secret.';

create table public.webhook_deliveries (
  id bigint generated always as identity primary key,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  subscription_id uuid not null,
  event_id bigint not null,
  topic text not null,
  attempt integer not null,
  status_code integer,
  error text,
  duration_ms integer,
  succeeded boolean not null,
  created_at timestamptz not null default now(),
  constraint webhook_deliveries_attempt_check check (attempt >= 1),
  constraint webhook_deliveries_status_code_check check (status_code between 100 and 599),
  constraint webhook_deliveries_duration_check check (duration_ms >= 0),
  constraint webhook_deliveries_success_check check (not succeeded or status_code between 200 and 299),
  constraint webhook_deliveries_subscription_fkey foreign key (organization_id, subscription_id)
    references public.webhook_subscriptions (organization_id, id) on delete cascade
);

create unique index webhook_deliveries_succeeded_key on public.webhook_deliveries (subscription_id, event_id) where succeeded;

create index webhook_deliveries_subscription_id_created_at_idx on public.webhook_deliveries (subscription_id, organization_id, created_at);

create index webhook_deliveries_organization_id_created_at_idx on public.webhook_deliveries (organization_id, created_at);

create index webhook_deliveries_event_id_idx on public.webhook_deliveries (event_id);

alter table public.webhook_deliveries enable row level security;

comment on table public.webhook_deliveries is 'Every webhook delivery attempt (written by the outbox worker through record_webhook_attempt): HTTP status or error, duration. At most one successful attempt per (subscription, event). Owners/admins read their organization''s; pruned with the outbox.';
comment on column public.webhook_deliveries.event_id is 'outbox_events id (no foreign key: the outbox is pruned and partitioned on its own).';
comment on column public.webhook_deliveries.attempt is 'Attempt number of the outbox event for the webhooks consumer (1 = first).';
comment on column public.webhook_deliveries.status_code is 'HTTP status of the response; null when there was none (timeout, connection refused).';
comment on column public.webhook_deliveries.succeeded is 'true = 2xx: the endpoint has the event and will not get it again.';

-- Webhook subscriptions stay well-formed whoever writes them (the RPCs, or an owner/admin
-- updating url, topics, description or is_active through PostgREST): topic patterns are
-- validated and normalized, the URL is checked with the contract's codes, and a subscription
-- never moves to another organization (its secret and delivery log belong to this one).

create or replace function private.is_webhook_url(p_url text)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select coalesce(p_url ~ '^https?://[^/?#@[:space:]]+([/?#][^[:space:]]*)?$' and length(p_url) <= 2000, false)
$$;

comment on function private.is_webhook_url(text) is 'True for an http(s) URL without credentials or spaces, at most 2000 characters (the check of webhook_subscriptions.url).';

revoke all on function private.is_webhook_url(text) from public, anon;
grant execute on function private.is_webhook_url(text) to authenticated, service_role;

create or replace function private.webhook_subscriptions_before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.organization_id is distinct from old.organization_id then
    perform private.raise_error('INVALID_REQUEST', 'A webhook subscription cannot move to another organization.', 'organization_id');
  end if;
  if not private.is_webhook_url(new.url) then
    perform private.raise_error('INVALID_REQUEST', 'The webhook URL must be an http(s) URL without credentials (at most 2000 characters).', 'url');
  end if;
  new.topics := private.normalize_topic_patterns(coalesce(new.topics, array['*']), 'topics');
  return new;
end
$$;

comment on function private.webhook_subscriptions_before_write() is
  'BEFORE INSERT/UPDATE trigger on webhook_subscriptions: INVALID_REQUEST for a bad URL, bad topic patterns or a change of organization; topics normalized (sorted, no duplicates).';

revoke all on function private.webhook_subscriptions_before_write() from public, anon;

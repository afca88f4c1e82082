-- create_webhook_subscription / rotate_webhook_secret: owners and admins subscribe an endpoint
-- and get its signing secret, once. The secret lives in private.webhook_secrets, out of reach
-- of every API role; the subscription shows only its last 4 characters (secret_hint).

create or replace function private.new_webhook_secret()
returns text
language sql
volatile
set search_path = ''
as $$
  select 'whsec_' || encode(extensions.gen_random_bytes(32), 'hex')
$$;

comment on function private.new_webhook_secret() is 'A new webhook signing secret: whsec_ + 64 hex digits (256 random bits).';

revoke all on function private.new_webhook_secret() from public, anon, authenticated;
grant execute on function private.new_webhook_secret() to service_role;

create or replace function public.create_webhook_subscription(
  p_organization_id uuid,
  p_url text,
  p_topics text[] default array['*'],
  p_description text default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_secret text := private.new_webhook_secret();
  v_subscription public.webhook_subscriptions;
begin
  perform private.require_org_role(p_organization_id, array['owner', 'admin']);
  if not private.is_webhook_url(btrim(p_url)) then
    perform private.raise_error('INVALID_REQUEST', 'The webhook URL must be an http(s) URL without credentials (at most 2000 characters).', 'p_url');
  end if;
  perform private.normalize_topic_patterns(coalesce(p_topics, array['*']), 'p_topics');
  if length(p_description) > 500 then
    perform private.raise_error('INVALID_REQUEST', 'The description is at most 500 characters.', 'p_description');
  end if;

  insert into public.webhook_subscriptions (organization_id, url, topics, description, secret_hint, created_by)
  values (p_organization_id, btrim(p_url), coalesce(p_topics, array['*']), p_description, right(v_secret, 4), (select auth.uid()))
  returning * into v_subscription;

  insert into private.webhook_secrets (subscription_id, secret) values (v_subscription.id, v_secret);

  perform private.write_audit(
    p_organization_id, 'webhook_subscription.created', 'webhook_subscriptions', v_subscription.id, null,
    jsonb_build_object('url', v_subscription.url, 'topics', v_subscription.topics)
  );
  return jsonb_build_object('subscription', to_jsonb(v_subscription), 'secret', v_secret);
end
$$;

comment on function public.create_webhook_subscription(uuid, text, text[], text) is
  'Subscribes an http(s) endpoint of the organization to topic patterns (owner/admin); returns {subscription, secret}: the signing secret is shown this once. Errors: UNAUTHORIZED, INVALID_REQUEST (hint = field), NOT_FOUND, FORBIDDEN.
@returns {subscription: {id: uuid, organization_id: uuid, url: text, topics: text[], description: text | null, is_active: boolean, secret_hint: text, created_by: uuid | null, created_at: timestamptz, updated_at: timestamptz}, secret: text}';

revoke execute on function public.create_webhook_subscription(uuid, text, text[], text) from public, anon;
grant execute on function public.create_webhook_subscription(uuid, text, text[], text) to authenticated, service_role;

create or replace function public.rotate_webhook_secret(p_subscription_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_secret text := private.new_webhook_secret();
  v_subscription public.webhook_subscriptions;
begin
  perform private.require_caller();
  if p_subscription_id is null then
    perform private.raise_error('INVALID_REQUEST', 'The subscription id is required.', 'p_subscription_id');
  end if;
  select s.* into v_subscription from public.webhook_subscriptions s where s.id = p_subscription_id;
  if v_subscription.id is null or not (private.is_service_call() or private.is_member(v_subscription.organization_id)) then
    perform private.raise_error('NOT_FOUND', 'Webhook subscription not found.', 'p_subscription_id');
  end if;
  perform private.require_org_role(v_subscription.organization_id, array['owner', 'admin']);

  update private.webhook_secrets w set secret = v_secret, rotated_at = now() where w.subscription_id = p_subscription_id;
  update public.webhook_subscriptions s set secret_hint = right(v_secret, 4) where s.id = p_subscription_id;

  perform private.write_audit(
    v_subscription.organization_id, 'webhook_subscription.secret_rotated', 'webhook_subscriptions', p_subscription_id
  );
  return jsonb_build_object('subscription_id', p_subscription_id, 'secret', v_secret, 'secret_hint', right(v_secret, 4));
end
$$;

comment on function public.rotate_webhook_secret(uuid) is
  'Gives a webhook subscription a new signing secret (owner/admin) and returns it, this once: {subscription_id, secret, secret_hint}. Deliveries from then on are signed with it. Errors: UNAUTHORIZED, INVALID_REQUEST, NOT_FOUND, FORBIDDEN.
@returns {subscription_id: uuid, secret: text, secret_hint: text}';

revoke execute on function public.rotate_webhook_secret(uuid) from public, anon;
grant execute on function public.rotate_webhook_secret(uuid) to authenticated, service_role;

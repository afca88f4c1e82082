-- create_subscription: a client gets a package's credits (a sale recorded by staff or by the
-- payment backend as service_role). At most one active subscription per client and
-- organization: an active one that has expired or is fully used (nothing left, nothing
-- scheduled) is closed first (expired / completed); any other makes it ALREADY_ACTIVE_SUBSCRIPTION.

create or replace function private.announce_subscription_created(p_sub public.subscriptions)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.write_audit(p_sub.organization_id, 'subscription.created', 'subscriptions', p_sub.id, null, to_jsonb(p_sub));
  perform private.emit_event(p_sub.organization_id, 'subscription.created', jsonb_build_object(
    'subscription_id', p_sub.id,
    'client_id', p_sub.client_id,
    'package_id', p_sub.package_id,
    'total_sessions', p_sub.total_sessions,
    'starts_at', p_sub.starts_at,
    'expires_at', p_sub.expires_at
  ));
end
$$;

comment on function private.announce_subscription_created(public.subscriptions) is
  'audit_log entry and subscription.created outbox event of a new subscription (create_subscription, an owner/admin''s direct insert).';

revoke all on function private.announce_subscription_created(public.subscriptions) from public, anon;
grant execute on function private.announce_subscription_created(public.subscriptions) to service_role;

create or replace function public.create_subscription(
  p_client_id uuid,
  p_package_id uuid,
  p_starts_at timestamptz default now()
)
returns public.subscriptions
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_package public.packages;
  v_active public.subscriptions;
  v_usage record;
  v_starts_at timestamptz := coalesce(p_starts_at, now());
  v_expires_at timestamptz;
  v_sub public.subscriptions;
begin
  if not private.is_service_call() and (select auth.uid()) is null then
    perform private.raise_error('UNAUTHORIZED', 'You must be signed in.');
  end if;
  if p_package_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A package id is required.', 'p_package_id');
  end if;
  perform private.require_sane_timestamp(p_starts_at, 'p_starts_at');

  select p.* into v_package from public.packages p where p.id = p_package_id;
  if v_package.id is null or not (private.is_service_call() or private.is_member(v_package.organization_id)) then
    perform private.raise_error('NOT_FOUND', 'Package not found.', 'p_package_id');
  end if;
  -- clients do not grant themselves credits: a sale is recorded by staff or the payment backend
  perform private.require_org_role(v_package.organization_id, array['owner', 'admin'], 'p_package_id');

  if p_client_id is null then
    perform private.raise_error('INVALID_REQUEST', 'Name the client (p_client_id).', 'p_client_id');
  end if;
  if private.member_role(v_package.organization_id, p_client_id) is distinct from 'client' then
    perform private.raise_error('NOT_FOUND', 'Client not found in this organization.', 'p_client_id');
  end if;
  if not v_package.is_active then
    perform private.raise_error('PACKAGE_INACTIVE', format('Package "%s" is no longer sold.', v_package.name), 'p_package_id');
  end if;

  if v_package.valid_for_days is not null then
    -- calendar days of the organization, whatever the caller's session TimeZone
    v_expires_at := private.add_local_days(
      v_starts_at, v_package.valid_for_days,
      (select o.timezone from public.organizations o where o.id = v_package.organization_id)
    );
    if v_expires_at <= now() then
      perform private.raise_error(
        'INVALID_REQUEST',
        format('A subscription starting %s would already have expired (valid %s days).', v_starts_at, v_package.valid_for_days),
        'p_starts_at'
      );
    end if;
  end if;

  -- the client's current active subscription, locked: bookings spending it wait for us
  select s.* into v_active
  from public.subscriptions s
  where s.organization_id = v_package.organization_id
    and s.client_id = p_client_id
    and s.status = 'active'
  for update;
  if v_active.id is not null then
    select u.* into v_usage from private.subscription_usage(v_active.id) u;
    if v_active.expires_at is not null and v_active.expires_at <= now() then
      update public.subscriptions s set status = 'expired' where s.id = v_active.id;
    elsif v_usage.scheduled = 0
          and v_usage.completed + v_usage.forfeited >= v_active.total_sessions then
      update public.subscriptions s set status = 'completed' where s.id = v_active.id;
    else
      perform private.raise_error(
        'ALREADY_ACTIVE_SUBSCRIPTION',
        format('The client already has an active subscription (%s of %s credits left%s).',
               v_active.total_sessions - v_usage.completed - v_usage.scheduled - v_usage.forfeited,
               v_active.total_sessions,
               coalesce(', expires ' || v_active.expires_at::text, '')),
        'p_client_id'
      );
    end if;
  end if;

  begin
    insert into public.subscriptions
      (organization_id, client_id, package_id, status, total_sessions, starts_at, expires_at)
    values
      (v_package.organization_id, p_client_id, v_package.id, 'active', v_package.session_count, v_starts_at, v_expires_at)
    returning * into v_sub;
  exception when unique_violation then
    -- a concurrent create_subscription for the same client committed first
    perform private.raise_error(
      'ALREADY_ACTIVE_SUBSCRIPTION',
      'The client already has an active subscription.',
      'p_client_id'
    );
  end;

  perform private.announce_subscription_created(v_sub);
  return v_sub;
end
$$;

comment on function public.create_subscription(uuid, uuid, timestamptz) is
  'Gives a client of the package''s organization a subscription: total_sessions = the package''s session_count, expires_at = starts_at + valid_for_days calendar days of the organization''s time zone (same local time, whoever calls). Owners/admins (or service_role) only. An expired or fully used active subscription is closed first; otherwise ALREADY_ACTIVE_SUBSCRIPTION. Errors: UNAUTHORIZED, INVALID_REQUEST, NOT_FOUND, FORBIDDEN, PACKAGE_INACTIVE, ALREADY_ACTIVE_SUBSCRIPTION.';

revoke execute on function public.create_subscription(uuid, uuid, timestamptz) from public, anon;
grant execute on function public.create_subscription(uuid, uuid, timestamptz) to authenticated, service_role;

-- Owners/admins may still record a sale by inserting a subscription directly (the legacy admin
-- app does), and pause, resume, cancel or extend one by updating it; the credits stay the
-- database's. For direct writes by signed-in users (current_user anon/authenticated: PostgREST,
-- never our security definer functions), after subscriptions_before_write has applied the shared
-- rules (package of the organization, client an accepted client, expiry from the package,
-- total_sessions never below the credits already spent):
--   INSERT: a package still sold (PACKAGE_INACTIVE, as create_subscription), status active or
--     paused, audited and announced (subscription.created) like create_subscription. A second
--     active subscription violates subscriptions_one_active_per_client (23505).
--   UPDATE: status active <-> paused, or -> cancelled (expired, completed and superseded are set
--     by the database, and nothing comes back from them); client, package, organization and
--     start are fixed - a credit never moves to another client or period by editing a row.
--   DELETE: not granted to users (cancel the subscription instead).

create or replace function private.subscriptions_user_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_package public.packages;
  v_column text;
begin
  if tg_op = 'INSERT' then
    if not private.has_role(new.organization_id, array['owner', 'admin']) then
      return new;  -- row level security refuses it, and no rule says why
    end if;
    perform private.require_sane_timestamp(new.starts_at, 'starts_at');
    perform private.require_sane_timestamp(new.expires_at, 'expires_at');
    if new.status not in ('active', 'paused') then
      perform private.raise_error('INVALID_REQUEST', 'A new subscription is active or paused.', 'status');
    end if;
    select p.* into v_package from public.packages p where p.id = new.package_id;
    if v_package.id is not null and not v_package.is_active then
      perform private.raise_error('PACKAGE_INACTIVE', format('Package "%s" is no longer sold.', v_package.name), 'package_id');
    end if;
    new.created_at := now();
    perform private.announce_subscription_created(new);
    return new;
  end if;

  v_column := case
    when new.id is distinct from old.id then 'id'
    when new.organization_id is distinct from old.organization_id then 'organization_id'
    when new.client_id is distinct from old.client_id then 'client_id'
    when new.package_id is distinct from old.package_id then 'package_id'
    when new.starts_at is distinct from old.starts_at then 'starts_at'
    when new.created_at is distinct from old.created_at then 'created_at'
  end;
  if v_column is not null then
    perform private.raise_error('INVALID_REQUEST', format('%s of a subscription is fixed when it is sold.', v_column), v_column);
  end if;
  if new.expires_at is distinct from old.expires_at then
    perform private.require_sane_timestamp(new.expires_at, 'expires_at');
  end if;
  if new.status is distinct from old.status
     and not (old.status in ('active', 'paused') and new.status in ('active', 'paused', 'cancelled')) then
    perform private.raise_error(
      'INVALID_REQUEST',
      format('A subscription does not go from %s to %s (expired, completed and superseded are the database''s).', old.status, new.status),
      'status'
    );
  end if;
  return new;
end
$$;

comment on function private.subscriptions_user_write() is
  'BEFORE INSERT/UPDATE trigger on subscriptions for direct writes by signed-in users, after subscriptions_before_write: an insert is a sale (package still sold: PACKAGE_INACTIVE; status active or paused; audit + subscription.created); an update changes status (active <-> paused, -> cancelled), total_sessions (not below the credits spent) and expires_at only (INVALID_REQUEST, hint = column).';

revoke all on function private.subscriptions_user_write() from public, anon;

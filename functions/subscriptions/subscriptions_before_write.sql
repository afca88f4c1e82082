-- Subscriptions written directly (owners/admins through the table, backfills) follow the same
-- rules as create_subscription: the package is one of the organization's, the client one of its
-- clients, validity defaults from the package, and credits already spent can't be taken away.

create or replace function private.subscriptions_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_package public.packages;
  v_used integer;
begin
  if tg_op = 'INSERT' or new.package_id is distinct from old.package_id
     or new.organization_id is distinct from old.organization_id then
    select p.* into v_package from public.packages p where p.id = new.package_id;
    if v_package.id is not null and v_package.organization_id <> new.organization_id then
      perform private.raise_error('INVALID_REQUEST', 'The package belongs to another organization.', 'package_id');
    end if;
  end if;

  if tg_op = 'INSERT' then
    if new.expires_at is null and v_package.valid_for_days is not null then
      -- calendar days of the organization, whatever the caller's session TimeZone
      new.expires_at := private.add_local_days(
        new.starts_at, v_package.valid_for_days,
        (select o.timezone from public.organizations o where o.id = new.organization_id)
      );
    end if;
  end if;

  if (tg_op = 'INSERT' or new.client_id is distinct from old.client_id)
     and not private.is_service_call()
     and private.member_role(new.organization_id, new.client_id) is distinct from 'client' then
    perform private.raise_error('INVALID_REQUEST', 'The subscription''s client must be a client of the organization.', 'client_id');
  end if;

  if tg_op = 'UPDATE' and new.total_sessions < old.total_sessions then
    -- our row lock (this update) keeps bookings from spending meanwhile
    v_used := private.subscription_credits_used(new.id);
    if v_used > new.total_sessions then
      perform private.raise_error(
        'INVALID_REQUEST',
        format('%s credits of this subscription are already used or booked; total_sessions cannot go below that.', v_used),
        'total_sessions'
      );
    end if;
  end if;
  return new;
end
$$;

comment on function private.subscriptions_before_write() is
  'BEFORE INSERT/UPDATE trigger on subscriptions: package of the same organization, client a client member (users), expires_at defaults to starts_at + the package''s valid_for_days (calendar days of the organization''s time zone), total_sessions never below the credits already spent (INVALID_REQUEST).';

revoke all on function private.subscriptions_before_write() from public, anon;

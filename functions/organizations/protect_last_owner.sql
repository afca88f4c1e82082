-- An organization always keeps at least one (accepted) owner: removing or demoting the last one
-- fails. An invited owner is not an owner yet: their invitation may go, and does not count.

create or replace function private.protect_last_owner()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if old.role <> 'owner' or old.status <> 'accepted'
     or (tg_op = 'UPDATE' and new.role = 'owner' and new.status = 'accepted'
         and new.organization_id = old.organization_id) then
    return case when tg_op = 'DELETE' then old else new end;
  end if;
  -- the organization itself is being deleted (cascade)
  if not exists (select 1 from public.organizations o where o.id = old.organization_id) then
    return case when tg_op = 'DELETE' then old else new end;
  end if;
  if not exists (
    select 1 from public.organization_members m
    where m.organization_id = old.organization_id
      and m.role = 'owner'
      and m.status = 'accepted'
      and m.user_id <> old.user_id
  ) then
    perform private.raise_error(
      'CONFLICT',
      'An organization must keep at least one owner; add another owner first.',
      'role'
    );
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$$;

comment on function private.protect_last_owner() is
  'BEFORE UPDATE/DELETE trigger on organization_members: refuses to remove or demote the last accepted owner (CONFLICT, PT409).';

revoke all on function private.protect_last_owner() from public, anon;

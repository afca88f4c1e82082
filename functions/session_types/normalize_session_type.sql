-- Session type rows are tidy whoever writes them: trimmed name, creator recorded.

create or replace function private.normalize_session_type()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.name := btrim(new.name);
  new.description := nullif(btrim(new.description), '');
  new.category := nullif(btrim(new.category), '');
  if tg_op = 'INSERT' then
    new.user_id := coalesce(new.user_id, (select auth.uid()));
  elsif new.organization_id <> old.organization_id then
    perform private.raise_error('INVALID_REQUEST', 'A session type cannot move to another organization.', 'organization_id');
  end if;
  return new;
end
$$;

comment on function private.normalize_session_type() is
  'BEFORE INSERT/UPDATE trigger on session_types: trims text fields, records the creator (auth.uid()), forbids changing organization.';

revoke all on function private.normalize_session_type() from public, anon;

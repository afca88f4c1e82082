-- organization_settings.default_session_type_id may only point at an active type.
-- (The composite foreign key already keeps it inside the organization.)

create or replace function private.validate_default_session_type()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.default_session_type_id is not null
     and (tg_op = 'INSERT' or new.default_session_type_id is distinct from old.default_session_type_id)
     and exists (
       -- a type of another organization is left to the composite foreign key (23503)
       select 1 from public.session_types st
       where st.id = new.default_session_type_id
         and st.organization_id = new.organization_id
         and not st.is_active
     ) then
    perform private.raise_error(
      'SESSION_TYPE_INACTIVE',
      'The default session type must be an active session type of the organization.',
      'default_session_type_id'
    );
  end if;
  return new;
end
$$;

comment on function private.validate_default_session_type() is
  'BEFORE INSERT/UPDATE trigger on organization_settings: the default session type must be active (SESSION_TYPE_INACTIVE, PT422).';

revoke all on function private.validate_default_session_type() from public, anon;

-- private.session_type_default_name: the canonical name of a session type of a given length.
-- Shared by ensure_default_session_types_for_org and the session_types backfill, so "3h" and
-- "180 min" both become "3 Hour Session".

create or replace function private.session_type_default_name(p_duration_minutes integer)
returns text
language sql
immutable
parallel safe
set search_path = ''
as $$
  select case
    when p_duration_minutes is null or p_duration_minutes < 1 then null
    when p_duration_minutes % 60 = 0 then (p_duration_minutes / 60)::text || ' Hour Session'
    else p_duration_minutes::text || ' Minute Session'
  end
$$;

comment on function private.session_type_default_name(integer) is
  'Canonical session type name for a duration: whole hours as "N Hour Session", otherwise "N Minute Session" (30 -> "30 Minute Session", 60 -> "1 Hour Session", 90 -> "90 Minute Session").';

revoke all on function private.session_type_default_name(integer) from public, anon, authenticated;
grant execute on function private.session_type_default_name(integer) to service_role;

-- The default session type is applied server-side: a service session or booking created
-- without a session type gets the organization default (or its only active type) when exactly
-- one applies; a booking of a service session inherits that session's type instead. The
-- trigger fires only for rows written without a type (triggers/service_sessions.sql,
-- triggers/bookings.sql), so bulk writes that name theirs pay nothing.

create or replace function private.apply_default_session_type()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_service_session_id uuid;
begin
  if tg_table_name = 'bookings' then
    -- read through jsonb: service_session_id is added by the scheduling migrations
    v_service_session_id := (to_jsonb(new) ->> 'service_session_id')::uuid;
    if v_service_session_id is not null then
      select ss.session_type_id into new.session_type_id
      from public.service_sessions ss
      where ss.id = v_service_session_id;
      return new;
    end if;
  end if;

  new.session_type_id := private.applicable_session_type(new.organization_id);
  return new;
end
$$;

comment on function private.apply_default_session_type() is
  'BEFORE INSERT trigger on service_sessions and bookings: fills a missing session_type_id with the applicable default (see private.applicable_session_type).';

revoke all on function private.apply_default_session_type() from public, anon;

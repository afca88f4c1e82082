-- Organizations carry a real IANA time zone whoever writes them (RPC or direct update).

create or replace function private.is_valid_timezone(p_timezone text)
returns boolean
language sql
stable
set search_path = ''
as $$
  select p_timezone is not null
     and exists (select 1 from pg_catalog.pg_timezone_names tz where tz.name = p_timezone)
$$;

comment on function private.is_valid_timezone(text) is
  'True when the name is an IANA time zone known to the server (pg_timezone_names).';

revoke all on function private.is_valid_timezone(text) from public, anon;
grant execute on function private.is_valid_timezone(text) to authenticated, service_role;

create or replace function private.validate_organization()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if (tg_op = 'INSERT' or new.timezone is distinct from old.timezone)
     and not private.is_valid_timezone(new.timezone) then
    perform private.raise_error(
      'INVALID_REQUEST',
      format('"%s" is not an IANA time zone name (e.g. Europe/Berlin).', new.timezone),
      'timezone'
    );
  end if;
  return new;
end
$$;

comment on function private.validate_organization() is
  'BEFORE INSERT/UPDATE trigger on organizations: the time zone must be an IANA name (INVALID_REQUEST, PT400).';

revoke all on function private.validate_organization() from public, anon;

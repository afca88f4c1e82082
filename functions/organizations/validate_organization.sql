-- Organizations carry a real IANA time zone whoever writes them (RPC or direct update).

create or replace function private.is_valid_timezone(p_timezone text)
returns boolean
language plpgsql
stable
set search_path = ''
-- the setting below is tried inside this function only: its SET clause restores the caller's
set timezone = 'UTC'
as $$
begin
  if p_timezone is null then
    return false;
  end if;
  -- A name the server loads as its TimeZone and spells back unchanged is a zone file of its
  -- time zone database (it refuses abbreviations such as PST and zones with leap seconds, and
  -- respells other cases or a leading ':'), unless the server read it as a POSIX rule
  -- ('FOO5BAR') or an offset ('5'): those need a digit. Names with digits (Etc/GMT+5, EST5EDT)
  -- are looked up in pg_timezone_names, which reads the whole database (~30 ms): every
  -- organization insert paid that before.
  begin
    perform pg_catalog.set_config('timezone', p_timezone, true);
  exception when invalid_parameter_value then
    return false;
  end;
  if pg_catalog.current_setting('timezone') <> p_timezone then
    return false;
  end if;
  return p_timezone !~ '[0-9]'
      or exists (select 1 from pg_catalog.pg_timezone_names as tz where tz.name = p_timezone);
end
$$;

comment on function private.is_valid_timezone(text) is
  'True when the name is an IANA time zone known to the server, exactly as pg_timezone_names spells it (checked by loading it as the TimeZone setting, restored on return).';

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

-- Availability rows name a real provider of the organization and a real time zone, whoever
-- writes them (PostgREST or RPC).

create or replace function private.validate_availability()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_provider uuid;
  v_field text;
begin
  if tg_table_name = 'availability_rules' then
    v_provider := (to_jsonb(new) ->> 'provider_id')::uuid;
    v_field := 'provider_id';
    if (to_jsonb(new) ->> 'timezone') is not null
       and not private.is_valid_timezone(to_jsonb(new) ->> 'timezone') then
      perform private.raise_error(
        'INVALID_REQUEST',
        format('"%s" is not an IANA time zone name (e.g. Europe/Berlin).', to_jsonb(new) ->> 'timezone'),
        'timezone'
      );
    end if;
  else
    v_provider := (to_jsonb(new) ->> 'specialist_id')::uuid;
    v_field := 'specialist_id';
  end if;

  if coalesce(private.member_role(new.organization_id, v_provider), '') not in ('owner', 'admin', 'provider') then
    perform private.raise_error(
      'INVALID_REQUEST',
      'Availability belongs to a provider (or owner/admin) of the organization.',
      v_field
    );
  end if;
  return new;
end
$$;

comment on function private.validate_availability() is
  'BEFORE INSERT/UPDATE trigger on availability_rules and specialist_availability_exceptions: the provider must be a provider/admin/owner of the organization, a rule''s time zone an IANA name (INVALID_REQUEST).';

revoke all on function private.validate_availability() from public, anon;

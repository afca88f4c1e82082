-- private.raise_error: the one way every RPC and rule trigger fails (contract section 4).
-- message = stable UPPER_SNAKE code, detail = human sentence, hint = offending field,
-- SQLSTATE = what PostgREST maps to the HTTP status.

create or replace function private.error_sqlstate(p_code text)
returns text
language sql
immutable
parallel safe
set search_path = ''
as $$
  select case
    when p_code = 'INVALID_REQUEST' then 'PT400'
    when p_code = 'UNAUTHORIZED' then 'PT401'
    when p_code = 'FORBIDDEN' then 'PT403'
    when p_code = 'NOT_FOUND' then 'PT404'
    when p_code in ('ALREADY_CANCELLED', 'SLOT_TAKEN', 'CAPACITY_REACHED', 'NO_CREDITS_LEFT',
                    'ALREADY_ACTIVE_SUBSCRIPTION', 'CONFLICT', 'SESSION_NOT_FULL') then 'PT409'
    else 'PT422'
  end
$$;

comment on function private.error_sqlstate(text) is
  'SQLSTATE for an RPC error code (contract section 4): PT400/401/403/404/409, any other rule violation PT422.';

revoke all on function private.error_sqlstate(text) from public;
grant execute on function private.error_sqlstate(text) to authenticated, service_role;

create or replace function private.raise_error(p_code text, p_detail text, p_hint text default null)
returns void
language plpgsql
set search_path = ''
as $$
-- volatile on purpose: an immutable raiser could be folded (and raise) at plan time
-- @plpgsql_check_options: performance_warnings = off
begin
  if p_hint is null then
    raise exception using
      message = p_code,
      detail = coalesce(p_detail, p_code),
      errcode = private.error_sqlstate(p_code);
  end if;
  raise exception using
    message = p_code,
    detail = coalesce(p_detail, p_code),
    hint = p_hint,
    errcode = private.error_sqlstate(p_code);
end
$$;

comment on function private.raise_error(text, text, text) is
  'Raises an RPC error: message = code (e.g. FORBIDDEN), detail = human sentence, hint = field name; SQLSTATE from private.error_sqlstate(code). Never returns.';

revoke all on function private.raise_error(text, text, text) from public;
grant execute on function private.raise_error(text, text, text) to authenticated, service_role;

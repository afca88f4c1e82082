-- private.require_sane_timestamp: the one check every RPC runs on a time or date it is given,
-- before it reads much and before any lock is taken. 'infinity', '-infinity' and absurd moments
-- (before 2000, more than ten years ahead) are refused up front with INVALID_REQUEST: they made
-- the availability computation (generate_series over the days of a session) loop until the
-- statement timeout while the provider's lock was held, or overflowed later date arithmetic.
-- Dates are passed cast to timestamptz (date 'infinity' becomes timestamptz 'infinity').

create or replace function private.require_sane_timestamp(p_value timestamptz, p_field text)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if p_value is not null
     and (not isfinite(p_value)
          or p_value < timestamptz '2000-01-01 00:00:00+00'
          or p_value > now() + interval '10 years') then
    perform private.raise_error(
      'INVALID_REQUEST',
      format('%s must be a real moment between 2000-01-01 and ten years from now, not %s.', p_field, p_value),
      p_field
    );
  end if;
end
$$;

comment on function private.require_sane_timestamp(timestamptz, text) is
  'INVALID_REQUEST (hint p_field) when a given time or date (cast to timestamptz) is infinite, before 2000-01-01 or more than ten years ahead; null passes (required-argument checks are the caller''s).';

revoke all on function private.require_sane_timestamp(timestamptz, text) from public, anon, authenticated;
grant execute on function private.require_sane_timestamp(timestamptz, text) to service_role;

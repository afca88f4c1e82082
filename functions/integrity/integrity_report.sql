-- integrity_report(p_organization_id default null) -> jsonb, the shape `sessionkit audit`
-- (tools/sessionkit/audit/report.py) and the backfills read:
--   {"generated_at", "organization_id", "total_violations",
--    "invariants": [{"name", "description", "violations", "sample_ids": [..up to 10]}]}
-- Owners/admins report on their own organization; every organization at once (null) is for
-- service_role and direct database sessions only.

create or replace function public.integrity_report(p_organization_id uuid default null)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_invariants jsonb;
  v_total bigint;
begin
  if p_organization_id is null then
    if not private.is_service_call() then
      perform private.require_caller();  -- not a service call here: UNAUTHORIZED when signed out
      perform private.raise_error(
        'FORBIDDEN',
        'Only service_role reports on every organization; name yours with p_organization_id.',
        'p_organization_id'
      );
    end if;
  else
    perform private.require_org_role(p_organization_id, array['owner', 'admin']);
  end if;

  select
    coalesce(jsonb_agg(jsonb_build_object(
      'name', c.name,
      'description', c.description,
      'violations', c.violations,
      'sample_ids', to_jsonb(c.sample_ids)
    ) order by c.ordinal), '[]'::jsonb),
    coalesce(sum(c.violations), 0)
  into v_invariants, v_total
  from private.integrity_checks(p_organization_id) c;

  return jsonb_build_object(
    'generated_at', now(),
    'organization_id', p_organization_id,
    'total_violations', v_total,
    'invariants', v_invariants
  );
end
$$;

comment on function public.integrity_report(uuid) is
  'Integrity report: {generated_at, organization_id, total_violations, invariants: [{name, description, violations, sample_ids}]}, every invariant of private.integrity_checks. Owners/admins of p_organization_id, or service_role for one or (null) all organizations. Errors: UNAUTHORIZED, INVALID_REQUEST, NOT_FOUND, FORBIDDEN.
@returns {generated_at: timestamptz, organization_id: uuid | null, total_violations: integer, invariants: {name: text, description: text, violations: integer, sample_ids: text[]}[]}';

revoke execute on function public.integrity_report(uuid) from public, anon;
grant execute on function public.integrity_report(uuid) to authenticated, service_role;

-- Audit trail and outbox helpers: the one way RPCs, triggers and jobs record what happened
-- (audit_log) and announce it (outbox_events), inside the caller's transaction.

create or replace function private.write_audit(
  p_organization_id uuid,
  p_action text,
  p_entity text default null,
  p_entity_id uuid default null,
  p_old_values jsonb default null,
  p_new_values jsonb default null,
  p_status text default 'success'
)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id bigint;
begin
  insert into public.audit_log (organization_id, actor_id, action, entity, entity_id, old_values, new_values, status)
  values (p_organization_id, (select auth.uid()), p_action, p_entity, p_entity_id, p_old_values, p_new_values, p_status)
  returning id into v_id;
  return v_id;
end
$$;

comment on function private.write_audit(uuid, text, text, uuid, jsonb, jsonb, text) is
  'Appends an audit_log entry (actor = auth.uid(), null for service_role and jobs); returns its id.';

revoke all on function private.write_audit(uuid, text, text, uuid, jsonb, jsonb, text) from public, anon, authenticated;
grant execute on function private.write_audit(uuid, text, text, uuid, jsonb, jsonb, text) to service_role;

create or replace function private.emit_event(p_organization_id uuid, p_topic text, p_payload jsonb default '{}'::jsonb)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id bigint;
begin
  insert into public.outbox_events (organization_id, topic, payload)
  values (p_organization_id, p_topic, coalesce(p_payload, '{}'::jsonb))
  returning id into v_id;
  return v_id;
end
$$;

comment on function private.emit_event(uuid, text, jsonb) is
  'Writes an outbox event (topic like booking.cancelled, JSON object payload) in the current transaction; returns its id.';

revoke all on function private.emit_event(uuid, text, jsonb) from public, anon, authenticated;
grant execute on function private.emit_event(uuid, text, jsonb) to service_role;

-- Append-only records (audit_log, booking_status_history, booking_cancellations) are never
-- changed or deleted by users: only service_role and direct database sessions may, and rows
-- still go away with their organization or booking (cascading deletes).

create or replace function private.protect_append_only()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_parent_gone boolean;
begin
  if private.is_service_call() then
    return case when tg_op = 'DELETE' then old else new end;
  end if;

  if tg_op = 'DELETE' then
    -- cascading delete of the organization or of the booking the row belongs to
    if tg_table_name = 'audit_log' then
      v_parent_gone := old.organization_id is not null
        and not exists (select 1 from public.organizations o where o.id = old.organization_id);
    else
      v_parent_gone := not exists (
        select 1 from public.bookings b where b.id = (to_jsonb(old) ->> 'booking_id')::uuid
      );
    end if;
    if v_parent_gone then
      return old;
    end if;
  end if;

  perform private.raise_error(
    'IMMUTABLE_RECORD',
    format('%s rows are append-only: they cannot be %s.', tg_table_name,
           case when tg_op = 'DELETE' then 'deleted' else 'changed' end),
    tg_table_name
  );
  return null;
end
$$;

comment on function private.protect_append_only() is
  'BEFORE UPDATE/DELETE trigger of append-only tables: IMMUTABLE_RECORD (PT422) unless service_role/direct database session, or the row''s organization/booking is being deleted.';

revoke all on function private.protect_append_only() from public, anon;

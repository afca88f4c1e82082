-- Writing closures: owners/admins insert, update and delete organization_closures directly
-- (RLS) or with create_organization_closure; either way the row passes
-- private.validate_closure (trigger organization_closures_before_write, every writer).

create or replace function private.validate_closure(
  p_starts_at timestamptz,
  p_ends_at timestamptz,
  p_reason text,
  p_hint_prefix text
)
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  v_reason text := nullif(btrim(p_reason), '');
begin
  if p_starts_at is null then
    perform private.raise_error('INVALID_REQUEST', 'A closure needs a start.', p_hint_prefix || 'starts_at');
  end if;
  if p_ends_at is null then
    perform private.raise_error('INVALID_REQUEST', 'A closure needs an end.', p_hint_prefix || 'ends_at');
  end if;
  perform private.require_sane_timestamp(p_starts_at, p_hint_prefix || 'starts_at');
  perform private.require_sane_timestamp(p_ends_at, p_hint_prefix || 'ends_at');
  if p_ends_at <= p_starts_at or p_ends_at > p_starts_at + interval '366 days' then
    perform private.raise_error('INVALID_REQUEST', 'A closure ends after it starts, within 366 days.', p_hint_prefix || 'ends_at');
  end if;
  if v_reason is null or char_length(v_reason) > 200 then
    perform private.raise_error('INVALID_REQUEST', 'A reason of 1 to 200 characters is required.', p_hint_prefix || 'reason');
  end if;
  return v_reason;
end
$$;

comment on function private.validate_closure(timestamptz, timestamptz, text, text) is
  'Checks a closure''s range (both given, sane, ends after it starts, at most 366 days) and reason (1..200 characters after trimming); returns the trimmed reason. INVALID_REQUEST with hint p_hint_prefix || starts_at | ends_at | reason.';

revoke all on function private.validate_closure(timestamptz, timestamptz, text, text) from public, anon, authenticated;
grant execute on function private.validate_closure(timestamptz, timestamptz, text, text) to service_role;

create or replace function private.organization_closures_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_column text;
begin
  if tg_op = 'UPDATE' and not private.is_service_call() then
    v_column := case
      when new.id is distinct from old.id then 'id'
      when new.organization_id is distinct from old.organization_id then 'organization_id'
      when new.created_by is distinct from old.created_by then 'created_by'
      when new.created_at is distinct from old.created_at then 'created_at'
    end;
    if v_column is not null then
      perform private.raise_error('INVALID_REQUEST', format('%s of a closure is fixed.', v_column), v_column);
    end if;
  end if;
  new.reason := private.validate_closure(new.starts_at, new.ends_at, new.reason, '');
  if (tg_op = 'INSERT' or new.ends_at is distinct from old.ends_at) and new.ends_at <= now() then
    perform private.raise_error('INVALID_REQUEST', 'A closure must end in the future.', 'ends_at');
  end if;
  if tg_op = 'INSERT' then
    new.created_by := coalesce((select auth.uid()), new.created_by);
    new.created_at := now();
  end if;
  return new;
end
$$;

comment on function private.organization_closures_before_write() is
  'BEFORE INSERT/UPDATE trigger on organization_closures (every writer): private.validate_closure, a new or changed end in the future, created_by = the caller; users cannot change id, organization_id, created_by, created_at (INVALID_REQUEST, hint = column).';

revoke all on function private.organization_closures_before_write() from public, anon;

create or replace function private.organization_closures_announce()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_row public.organization_closures := case when tg_op = 'DELETE' then old else new end;
  v_action text := case tg_op when 'INSERT' then 'created' when 'UPDATE' then 'changed' else 'deleted' end;
begin
  if tg_op = 'DELETE' and not exists (select 1 from public.organizations as o where o.id = old.organization_id) then
    return null;  -- the organization itself is being deleted: nothing to tell it
  end if;
  perform private.write_audit(
    v_row.organization_id, 'organization_closure.' || v_action, 'organization_closures', v_row.id,
    case when tg_op <> 'INSERT' then to_jsonb(old) end,
    case when tg_op <> 'DELETE' then to_jsonb(new) end
  );
  perform private.emit_event(v_row.organization_id, 'organization.closure_' || v_action, jsonb_build_object(
    'closure_id', v_row.id,
    'starts_at', v_row.starts_at,
    'ends_at', v_row.ends_at,
    'reason', v_row.reason
  ));
  return null;
end
$$;

comment on function private.organization_closures_announce() is
  'AFTER INSERT/UPDATE/DELETE trigger on organization_closures (every writer): audit_log organization_closure.created | changed | deleted and outbox organization.closure_created | closure_changed | closure_deleted {closure_id, starts_at, ends_at, reason}.';

revoke all on function private.organization_closures_announce() from public, anon;

create or replace function public.create_organization_closure(
  p_organization_id uuid,
  p_reason text,
  p_starts_at timestamptz default null,
  p_ends_at timestamptz default null,
  p_date date default null,
  p_end_date date default null,
  p_start_time time default null,
  p_end_time time default null
)
returns public.organization_closures
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_tz text;
  v_starts_at timestamptz := p_starts_at;
  v_ends_at timestamptz := p_ends_at;
  v_reason text;
  v_closure public.organization_closures;
begin
  perform private.require_org_role(p_organization_id, array['owner', 'admin'], 'p_organization_id');
  if p_date is not null then
    if p_starts_at is not null or p_ends_at is not null then
      perform private.raise_error('INVALID_REQUEST', 'Give either p_starts_at/p_ends_at or a local p_date (with p_end_date, p_start_time, p_end_time), not both.', 'p_date');
    end if;
    perform private.require_sane_timestamp(p_date::timestamptz, 'p_date');
    perform private.require_sane_timestamp(p_end_date::timestamptz, 'p_end_date');
    if p_end_date < p_date then
      perform private.raise_error('INVALID_REQUEST', 'p_end_date is on or after p_date.', 'p_end_date');
    end if;
    select o.timezone into v_tz from public.organizations as o where o.id = p_organization_id;
    -- local wall-clock times of the organization: the whole day(s) unless times are given
    v_starts_at := (p_date + coalesce(p_start_time, time '00:00')) at time zone v_tz;
    v_ends_at := case
      when p_end_time is null then (coalesce(p_end_date, p_date) + 1)::timestamp
      else coalesce(p_end_date, p_date) + p_end_time
    end at time zone v_tz;
  elsif p_end_date is not null or p_start_time is not null or p_end_time is not null then
    perform private.raise_error('INVALID_REQUEST', 'p_end_date, p_start_time and p_end_time go with p_date.', 'p_date');
  end if;
  v_reason := private.validate_closure(v_starts_at, v_ends_at, p_reason, 'p_');
  if v_ends_at <= now() then
    perform private.raise_error('INVALID_REQUEST', 'A closure must end in the future.', 'p_ends_at');
  end if;

  insert into public.organization_closures (organization_id, starts_at, ends_at, reason, created_by)
  values (p_organization_id, v_starts_at, v_ends_at, v_reason, (select auth.uid()))
  returning * into v_closure;
  return v_closure;
end
$$;

comment on function public.create_organization_closure(uuid, text, timestamptz, timestamptz, date, date, time, time) is
  'Closes the whole organization (owner/admin): either [p_starts_at, p_ends_at), or local p_date (to p_end_date, default the same day) from p_start_time (default 00:00) to p_end_time (default the end of the day) in the organization''s time zone. From then on no provider of the organization can be booked or scheduled in it (ORGANIZATION_CLOSED) and slot search offers nothing there; sessions already scheduled stay (organization_closure_conflicts lists them). Audited; outbox organization.closure_created (as every write of the table: closure_changed, closure_deleted). Errors: UNAUTHORIZED, INVALID_REQUEST (hint = argument), NOT_FOUND, FORBIDDEN.';

revoke execute on function public.create_organization_closure(uuid, text, timestamptz, timestamptz, date, date, time, time) from public, anon;
grant execute on function public.create_organization_closure(uuid, text, timestamptz, timestamptz, date, date, time, time) to authenticated, service_role;

create or replace function public.organization_closure_conflicts(p_closure_id uuid)
returns table (
  service_session_id uuid,
  service_id uuid,
  provider_id uuid,
  kind text,
  starts_at timestamptz,
  ends_at timestamptz,
  live_bookings integer
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_closure public.organization_closures;
begin
  perform private.require_caller();
  if p_closure_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A closure id is required.', 'p_closure_id');
  end if;
  select c.* into v_closure from public.organization_closures as c where c.id = p_closure_id;
  if v_closure.id is null or not (private.is_service_call() or private.is_member(v_closure.organization_id)) then
    perform private.raise_error('NOT_FOUND', 'Closure not found.', 'p_closure_id');
  end if;
  perform private.require_org_role(v_closure.organization_id, array['owner', 'admin'], 'p_closure_id');

  return query
  select ss.id, ss.service_id, ss.provider_id, ss.kind, ss.starts_at, ss.ends_at,
         (select count(*)::integer from public.bookings as b
          where b.service_session_id = ss.id and b.status in ('pending', 'confirmed'))
  from public.service_sessions as ss
  where ss.organization_id = v_closure.organization_id
    and ss.status = 'scheduled'
    and ss.starts_at < v_closure.ends_at
    and ss.ends_at > v_closure.starts_at
  order by ss.starts_at, ss.id;
end
$$;

comment on function public.organization_closure_conflicts(uuid) is
  'Scheduled sessions of the organization inside a closure (owner/admin), with their live bookings: what to cancel or move after closing. Errors: UNAUTHORIZED, INVALID_REQUEST, NOT_FOUND, FORBIDDEN.';

revoke execute on function public.organization_closure_conflicts(uuid) from public, anon;
grant execute on function public.organization_closure_conflicts(uuid) to authenticated, service_role;

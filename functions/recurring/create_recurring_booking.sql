-- create_recurring_booking: a client (or staff for a client) sets up a weekly, biweekly or
-- monthly series; dispatch_recurring_bookings() books each occurrence.

create or replace function public.create_recurring_booking(
  p_service_id uuid,
  p_provider_id uuid,
  p_frequency text,
  p_start_date date,
  p_end_date date default null,
  p_local_time time default null,
  p_client_id uuid default null,
  p_timezone text default null
)
returns public.recurring_bookings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_org uuid;
  v_client uuid;
  v_row public.recurring_bookings;
  v_field text;
begin
  perform private.require_caller();
  if p_service_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A service id is required.', 'p_service_id');
  end if;
  if p_provider_id is null then
    perform private.raise_error('INVALID_REQUEST', 'A provider id is required.', 'p_provider_id');
  end if;
  if p_frequency is null or p_frequency not in ('weekly', 'biweekly', 'monthly') then
    perform private.raise_error('INVALID_REQUEST', 'The frequency must be weekly, biweekly or monthly.', 'p_frequency');
  end if;
  if p_start_date is null then
    perform private.raise_error('INVALID_REQUEST', 'A start date is required.', 'p_start_date');
  end if;
  if p_end_date < p_start_date then
    perform private.raise_error('INVALID_REQUEST', 'The end date must not be before the start date.', 'p_end_date');
  end if;

  select sv.organization_id into v_org from public.services sv where sv.id = p_service_id;
  if v_org is null then
    perform private.raise_error('NOT_FOUND', 'Service not found.', 'p_service_id');
  end if;
  -- who may set up a series for whom: exactly as for a single booking
  select r.client_id into v_client
  from private.resolve_booking_client(v_org, p_client_id, 'p_service_id') as r;

  -- the row trigger validates the rest (provider, service state, time zone, start not in the
  -- past); its hints name columns, which the RPC reports as its own argument names
  begin
    insert into public.recurring_bookings
      (organization_id, user_id, specialist_id, service_id, frequency, start_date, end_date, local_time, timezone)
    values
      (v_org, v_client, p_provider_id, p_service_id, p_frequency, p_start_date, p_end_date, p_local_time, p_timezone)
    returning * into v_row;
    -- users' series are checked by the row trigger; service callers' here (the trigger lets
    -- direct service writes such as imports through)
    if private.is_service_call() then
      perform private.assert_series_slots_free(v_row);
    end if;
  exception when sqlstate 'PT400' or sqlstate 'PT404' or sqlstate 'PT409' or sqlstate 'PT422' then
    declare
      v_code text;
      v_detail text;
      v_hint text;
    begin
      get stacked diagnostics v_code = message_text, v_detail = pg_exception_detail, v_hint = pg_exception_hint;
      v_field := case v_hint
        when 'user_id' then 'p_client_id'
        when 'specialist_id' then 'p_provider_id'
        when 'service_id' then 'p_service_id'
        when 'frequency' then 'p_frequency'
        when 'start_date' then 'p_start_date'
        when 'end_date' then 'p_end_date'
        when 'local_time' then 'p_local_time'
        when 'timezone' then 'p_timezone'
        else v_hint
      end;
      perform private.raise_error(v_code, v_detail, v_field);
    end;
  end;

  perform private.write_audit(
    v_org, 'recurring_booking.created', 'recurring_bookings', v_row.id, null,
    jsonb_build_object(
      'user_id', v_row.user_id, 'specialist_id', v_row.specialist_id, 'service_id', v_row.service_id,
      'frequency', v_row.frequency, 'start_date', v_row.start_date, 'end_date', v_row.end_date,
      'local_time', v_row.local_time, 'timezone', v_row.timezone
    )
  );
  return v_row;
end
$$;

comment on function public.create_recurring_booking(uuid, uuid, text, date, date, time, uuid, text) is
  'Sets up a recurring booking (weekly | biweekly | monthly from p_start_date to p_end_date or open-ended) at p_local_time (default: organization_settings.recurring_default_time) in p_timezone (default: the organization''s). A client sets one up for themself; owners/admins/providers name p_client_id. The daily dispatcher books each occurrence. The series holds its future occurrences (up to the service''s booking window): slot search and every booking path treat them as busy, and a series colliding with the provider''s bookings or another series is refused with SLOT_TAKEN naming the first colliding date in the detail. Errors: UNAUTHORIZED, INVALID_REQUEST (hint = argument), NOT_FOUND, FORBIDDEN, SLOT_TAKEN (PT409, hint p_local_time), SERVICE_INACTIVE, BOOKING_IN_PAST (start before today).';

revoke execute on function public.create_recurring_booking(uuid, uuid, text, date, date, time, uuid, text) from public, anon;
grant execute on function public.create_recurring_booking(uuid, uuid, text, date, date, time, uuid, text) to authenticated, service_role;

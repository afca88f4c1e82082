-- Direct writes to bookings by signed-in users (PostgREST) follow the RPCs' rules, through the
-- RPCs' own code; everything else is refused. The trigger's WHEN clause picks exactly those
-- writes: current_user is anon/authenticated only for a statement PostgREST sent, never for the
-- writes of our security definer functions (RPCs, other triggers, jobs), which run as their owner.
--
-- INSERT: the legacy frontend's 1-to-1 booking (organization_id, client_id, provider_id,
--   service_id, start_time, end_time[, session_type_id, booking_kind, status, notes]) is booked
--   exactly like book_individual_session (a client's own booking of a service requiring approval
--   is pending, with its approval_expires_at, whatever status was written): who books for whom (private.resolve_booking_client:
--   a client for themself, staff for a client of the organization), then the booking core
--   creates its private service session under every rule (private.open_individual_session:
--   accepted provider and client, service, availability, buffers, window, daily limit, the
--   provider lock) and the row becomes that session's booking (price snapshot from the service,
--   credit chosen and the booking.created event by the statement triggers). A user's insert cannot name
--   a session (book_session), a credit, a series occurrence or a treatment session, nor start
--   in any status but pending or confirmed. Hints name the columns.
-- UPDATE: notes may change; status only pending -> confirmed under confirm_booking's rules
--   (private.assert_booking_answerable; event booking.confirmed), or -> completed / no_show under
--   complete_booking's rules (private.assert_booking_finishable: started, still live; event
--   booking.completed / booking.no_show). Cancelling is cancel_booking or an insert into
--   booking_cancellations; status_reason changes with the status; everything else - who, when, which session,
--   service, credit, price, kind, series or treatment - is fixed when the booking is made
--   (reschedule_booking moves it).
-- DELETE: not granted to users (bookings are cancelled, never deleted: a deleted booking would
--   hand its credit back without a trace).

create or replace function private.bookings_admit_user_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_service public.services;
  v_session public.service_sessions;
  v_client uuid;
  v_column text;
  v_code text;
  v_detail text;
  v_hint text;
begin
  if tg_op = 'INSERT' then
    v_column := case
      when new.service_session_id is not null then 'service_session_id'
      when new.subscription_id is not null then 'subscription_id'
      when new.recurring_booking_id is not null or new.recurring_occurrence_date is not null then 'recurring_booking_id'
      when new.session_group_id is not null or new.session_number is not null or new.total_sessions is not null then 'session_group_id'
    end;
    if v_column is not null then
      perform private.raise_error('INVALID_REQUEST', case v_column
        when 'service_session_id' then 'Join a scheduled session with book_session().'
        when 'subscription_id' then 'The database chooses the credit a booking spends.'
        when 'recurring_booking_id' then 'The occurrences of a recurring series are booked by its dispatcher.'
        else 'Treatment sessions are booked with book_treatment() and book_next_treatment_session().'
      end, v_column);
    end if;
    if new.status is null or new.status not in ('pending', 'confirmed') then
      perform private.raise_error(
        'INVALID_REQUEST',
        'A new booking is pending or confirmed (complete_booking, mark_no_show and cancel_booking change it later).',
        'status'
      );
    end if;
    if new.booking_kind is null or new.booking_kind not in ('regular', 'trial', 'guest') then
      perform private.raise_error('INVALID_REQUEST', 'The booking kind must be regular, trial or guest.', 'booking_kind');
    end if;
    if new.service_id is null then
      perform private.raise_error('INVALID_REQUEST', 'Name the service booked.', 'service_id');
    end if;

    begin
      -- who books for whom first: outsiders learn nothing about the organization
      select r.client_id into v_client
      from private.resolve_booking_client(new.organization_id, new.client_id, 'organization_id') as r;
      new.client_id := v_client;
      select sv.* into v_service from public.services sv where sv.id = new.service_id;
      if v_service.id is null or v_service.organization_id is distinct from new.organization_id then
        perform private.raise_error('NOT_FOUND', 'Service not found in this organization.', 'p_service_id');
      end if;
      v_session := private.open_individual_session(
        new.service_id, new.provider_id, new.start_time, new.client_id, new.session_type_id, new.end_time,
        new.booking_kind
      );
    exception when sqlstate 'PT400' or sqlstate 'PT401' or sqlstate 'PT403' or sqlstate 'PT404'
                   or sqlstate 'PT409' or sqlstate 'PT422' then
      -- the booking core names its arguments; a table write names the columns
      get stacked diagnostics v_code = message_text, v_detail = pg_exception_detail, v_hint = pg_exception_hint;
      perform private.raise_error(v_code, v_detail, case v_hint
        when 'p_service_id' then 'service_id'
        when 'p_provider_id' then 'provider_id'
        when 'p_client_id' then 'client_id'
        when 'p_starts_at' then 'start_time'
        when 'p_ends_at' then 'end_time'
        when 'p_session_type_id' then 'session_type_id'
        when 'p_booking_kind' then 'booking_kind'
        else nullif(v_hint, '')
      end);
    end;

    new.id := coalesce(new.id, gen_random_uuid());
    new.service_session_id := v_session.id;
    new.session_type_id := v_session.session_type_id;
    new.provider_id := v_session.provider_id;
    new.start_time := v_session.starts_at;
    new.end_time := v_session.ends_at;
    new.price := v_service.price;
    -- a client's own booking of a service that requires approval awaits it, whatever was written
    new.approval_expires_at := private.approval_deadline(v_service.id, v_session.starts_at);
    if new.approval_expires_at is not null then
      new.status := 'pending';
    end if;
    new.created_at := now();
    new.updated_at := now();
    return new;  -- the statement triggers spend the credit, count, log and announce it
  end if;

  v_column := case
    when new.id is distinct from old.id then 'id'
    when new.organization_id is distinct from old.organization_id then 'organization_id'
    when new.client_id is distinct from old.client_id then 'client_id'
    when new.provider_id is distinct from old.provider_id then 'provider_id'
    when new.service_session_id is distinct from old.service_session_id then 'service_session_id'
    when new.start_time is distinct from old.start_time then 'start_time'
    when new.end_time is distinct from old.end_time then 'end_time'
    when new.service_id is distinct from old.service_id then 'service_id'
    when new.session_type_id is distinct from old.session_type_id then 'session_type_id'
    when new.subscription_id is distinct from old.subscription_id then 'subscription_id'
    when new.booking_kind is distinct from old.booking_kind then 'booking_kind'
    when new.price is distinct from old.price then 'price'
    when new.recurring_booking_id is distinct from old.recurring_booking_id then 'recurring_booking_id'
    when new.recurring_occurrence_date is distinct from old.recurring_occurrence_date then 'recurring_occurrence_date'
    when new.session_group_id is distinct from old.session_group_id then 'session_group_id'
    when new.session_number is distinct from old.session_number then 'session_number'
    when new.total_sessions is distinct from old.total_sessions then 'total_sessions'
    when new.approval_expires_at is distinct from old.approval_expires_at then 'approval_expires_at'
    when new.created_at is distinct from old.created_at then 'created_at'
    when new.status_reason is distinct from old.status_reason and new.status is not distinct from old.status then 'status_reason'
  end;
  if v_column is not null then
    perform private.raise_error('INVALID_REQUEST', case
      when v_column in ('provider_id', 'service_session_id', 'start_time', 'end_time')
        then format('%s of a booking changes only through reschedule_booking().', v_column)
      when v_column = 'subscription_id'
        then 'The credit a booking spends is the database''s to choose and to give back (cancel_booking).'
      when v_column = 'status_reason'
        then 'status_reason says why the booking has its status: it changes with the status.'
      else format('%s is fixed when a booking is made.', v_column)
    end, v_column);
  end if;

  if new.status is distinct from old.status then
    if old.status = 'cancelled' then
      perform private.raise_error('ALREADY_CANCELLED', 'This booking is cancelled; a cancellation is final.', 'status');
    end if;
    if new.status = 'cancelled' then
      perform private.raise_error(
        'INVALID_REQUEST',
        'Cancel a booking with cancel_booking() (or by inserting into booking_cancellations), not by updating its status.',
        'status'
      );
    elsif new.status in ('completed', 'no_show') then
      perform private.assert_booking_finishable(old, 'status');  -- booking.<status>: the statement trigger
    elsif old.status = 'pending' and new.status = 'confirmed' then
      -- confirm_booking's rules and effects
      perform private.assert_booking_answerable(old, 'status');
      perform private.emit_booking_confirmed(new);
    else
      perform private.raise_error(
        'INVALID_REQUEST',
        format('A booking does not go from %s to %s: it is confirmed once, then completed, marked a no-show or cancelled.', old.status, new.status),
        'status'
      );
    end if;
  end if;
  return new;
end
$$;

comment on function private.bookings_admit_user_write() is
  'BEFORE INSERT/UPDATE trigger on bookings for direct writes by signed-in users (PostgREST): an insert is a legacy 1-to-1 booking routed through the booking core (resolve_booking_client + open_individual_session: same rules, codes and effects as book_individual_session; hints name columns); an update may change notes, confirm a pending booking under confirm_booking''s rules (booking.confirmed), or complete / mark a no-show under complete_booking''s rules. Every other column is fixed (INVALID_REQUEST, hint = column).';

revoke all on function private.bookings_admit_user_write() from public, anon;

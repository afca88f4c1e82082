-- recurring_bookings: the same rules whoever writes the row (create_recurring_booking, a client's
-- direct insert as in seed 002, an admin's update), and the dispatcher's columns stay its own.
--
-- BEFORE INSERT / UPDATE OF the data columns: defaults (organization from the service, time zone
-- from the organization, local_time from organization_settings.recurring_default_time,
-- next_booking_date = start_date) and validation with contract codes; hints name the column.
-- BEFORE UPDATE OF the bookkeeping columns: users' direct writes (not the series RPCs,
-- service_role, jobs or backfills) cannot move next_booking_date/last_generated_date,
-- re-anchor/re-own a series or rewrite its continuation (continues_id, valid_from).

create or replace function private.validate_recurring_booking()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_service public.services;
  v_org_tz text;
  v_default_time time;
  v_is_service boolean := private.is_service_call();
begin
  if new.frequency is null or new.frequency not in ('weekly', 'biweekly', 'monthly') then
    perform private.raise_error('INVALID_REQUEST', 'The frequency must be weekly, biweekly or monthly.', 'frequency');
  end if;
  if new.start_date is null then
    perform private.raise_error('INVALID_REQUEST', 'A start date is required.', 'start_date');
  end if;
  if tg_op = 'INSERT' or new.start_date is distinct from old.start_date then
    perform private.require_sane_timestamp(new.start_date::timestamptz, 'start_date');
  end if;
  if tg_op = 'INSERT' or new.end_date is distinct from old.end_date then
    perform private.require_sane_timestamp(new.end_date::timestamptz, 'end_date');
  end if;
  if new.end_date is not null and new.end_date < new.start_date then
    perform private.raise_error('INVALID_REQUEST', 'The end date must not be before the start date.', 'end_date');
  end if;
  -- a series continued by another (change_recurring_booking) ends the day before it: moving its
  -- end would make both book the same dates
  if tg_op = 'UPDATE' and new.end_date is distinct from old.end_date
     and exists (select 1 from public.recurring_bookings as c
                 where c.organization_id = old.organization_id and c.continues_id = old.id) then
    perform private.raise_error(
      'CONFLICT',
      'This series continues as another series from the day after its end: change that one instead.',
      'end_date'
    );
  end if;

  if tg_op = 'INSERT'
     or new.service_id is distinct from old.service_id
     or new.specialist_id is distinct from old.specialist_id
     or new.user_id is distinct from old.user_id
     or new.organization_id is distinct from old.organization_id then
    select sv.* into v_service from public.services sv where sv.id = new.service_id;
    if v_service.id is null or (new.organization_id is not null and v_service.organization_id <> new.organization_id) then
      perform private.raise_error('NOT_FOUND', 'Service not found in this organization.', 'service_id');
    end if;
    new.organization_id := v_service.organization_id;
    if not v_service.is_active then
      perform private.raise_error('SERVICE_INACTIVE', format('Service "%s" is no longer offered.', v_service.name), 'service_id');
    end if;
    if v_service.requires_multiple_sessions then
      perform private.raise_error(
        'INVALID_REQUEST',
        format('Service "%s" is a multi-session treatment: book it with book_treatment.', v_service.name),
        'service_id'
      );
    end if;
    -- the parties' memberships first: a concurrent leave ends their series after its own check,
    -- so it waits for this one to commit (and ends it), or commits first and they are not found
    perform private.lock_memberships(array[new.organization_id, new.organization_id], array[new.user_id, new.specialist_id]);
    if coalesce(private.member_role(new.organization_id, new.specialist_id), '') not in ('owner', 'admin', 'provider') then
      perform private.raise_error('NOT_FOUND', 'Provider not found in this organization.', 'specialist_id');
    end if;
    if v_service.provider_id is not null and v_service.provider_id <> new.specialist_id then
      perform private.raise_error('INVALID_REQUEST', 'This service is offered by another provider.', 'specialist_id');
    end if;
    if private.member_role(new.organization_id, new.user_id) is distinct from 'client' then
      perform private.raise_error('NOT_FOUND', 'Client not found in this organization.', 'user_id');
    end if;
    -- who may set the series up for this client: the booking rules of the series itself (a hold
    -- probe naming its client): series_approval (the dispatcher books occurrences confirmed, so a
    -- series of a service requiring approval is staff's to set up) and anonymous_booking (an
    -- anonymous sign-in's occurrences are regular bookings)
    perform private.assert_bookable(
      private.new_candidate(
        purpose => 'hold',
        organization_id => new.organization_id,
        service_id => new.service_id,
        provider_id => new.specialist_id,
        client_id => new.user_id,
        booking_kind => 'regular',
        acting_as_staff => v_is_service or private.has_role(new.organization_id, array['owner', 'admin', 'provider'])
      ),
      '',
      jsonb_build_object('client_id', 'user_id', 'booking_kind', 'user_id', 'provider_id', 'specialist_id')
    );
  end if;

  if new.timezone is null or new.local_time is null
     or tg_op = 'INSERT' or new.timezone is distinct from old.timezone then
    select o.timezone, coalesce(s.recurring_default_time, time '10:00')
    into v_org_tz, v_default_time
    from public.organizations o
    left join public.organization_settings s on s.organization_id = o.id
    where o.id = new.organization_id;
    new.timezone := coalesce(new.timezone, v_org_tz);
    new.local_time := coalesce(new.local_time, v_default_time);
    if new.timezone is distinct from v_org_tz and not private.is_valid_timezone(new.timezone) then
      perform private.raise_error(
        'INVALID_REQUEST',
        format('"%s" is not an IANA time zone name (e.g. Europe/Berlin).', new.timezone),
        'timezone'
      );
    end if;
  end if;

  if tg_op = 'INSERT' then
    if v_is_service then
      new.next_booking_date := coalesce(new.next_booking_date, new.start_date);
    elsif new.continues_id is not null or new.valid_from is not null then
      -- a continuation (change_recurring_booking running for the user; users' direct writes of
      -- one are refused by protect_recurring_bookkeeping): it keeps the anchor start_date of the
      -- series it continues and starts at valid_from
      new.next_booking_date := greatest(new.next_booking_date, new.valid_from);
      new.last_generated_date := null;
      new.created_by := (select auth.uid());
    else
      if new.start_date < (now() at time zone new.timezone)::date then
        perform private.raise_error('BOOKING_IN_PAST', 'A series cannot start before today.', 'start_date');
      end if;
      new.next_booking_date := new.start_date;
      new.last_generated_date := null;
      new.created_by := (select auth.uid());
    end if;
  end if;

  return new;
end
$$;

comment on function private.validate_recurring_booking() is
  'BEFORE INSERT/UPDATE trigger on recurring_bookings: fills organization_id (from the service), timezone (organization''s), local_time (recurring_default_time) and next_booking_date (start_date); raises INVALID_REQUEST (frequency, dates, time zone, treatment service), NOT_FOUND (service, provider, client not in the organization), SERVICE_INACTIVE, FORBIDDEN (a client''s series of a service requiring approval; an anonymous sign-in where the organization does not allow it), BOOKING_IN_PAST (users: start before today). A continuation (continues_id/valid_from, written by change_recurring_booking) keeps its anchor start_date and starts at valid_from; users cannot write one directly (INVALID_REQUEST), and the end of a continued series is fixed (CONFLICT). Hints name the column.';

revoke all on function private.validate_recurring_booking() from public, anon;

create or replace function private.protect_recurring_bookkeeping()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_column text;
begin
  if tg_op = 'INSERT' then
    perform private.raise_error(
      'INVALID_REQUEST',
      'A series continues another only through change_recurring_booking.',
      case when new.continues_id is not null then 'continues_id' else 'valid_from' end
    );
  end if;
  v_column := case
    when new.organization_id is distinct from old.organization_id then 'organization_id'
    when new.user_id is distinct from old.user_id then 'user_id'
    when new.start_date is distinct from old.start_date then 'start_date'
    when new.next_booking_date is distinct from old.next_booking_date then 'next_booking_date'
    when new.last_generated_date is distinct from old.last_generated_date then 'last_generated_date'
    when new.created_by is distinct from old.created_by then 'created_by'
    when new.continues_id is distinct from old.continues_id then 'continues_id'
    when new.valid_from is distinct from old.valid_from then 'valid_from'
  end;
  if v_column is not null then
    perform private.raise_error(
      'INVALID_REQUEST',
      format('%s of a recurring booking cannot be changed (it is managed by the dispatcher, or fixed at creation): create a new series instead.', v_column),
      v_column
    );
  end if;
  return new;
end
$$;

comment on function private.protect_recurring_bookkeeping() is
  'BEFORE UPDATE trigger on recurring_bookings for users'' direct writes (PostgREST; not the RPCs, service calls or jobs): organization_id, user_id, start_date (the monthly anchor), next_booking_date, last_generated_date, created_by, continues_id and valid_from are read-only (INVALID_REQUEST, hint = column); on INSERT (trigger protect_recurring_continuation) a continuation is refused: only change_recurring_booking makes one.';

revoke all on function private.protect_recurring_bookkeeping() from public, anon;

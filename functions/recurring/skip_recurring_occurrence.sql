-- skip_recurring_occurrence (issue 14): "not this Monday". The occurrence is not dispatched and
-- its hold is released (recurring_booking_exceptions kind skipped: the dispatcher and the series
-- holds read it). An occurrence the dispatcher already booked is cancelled through
-- cancel_booking's rules: who cancels decides the credit (a client's late skip forfeits it, as a
-- late cancellation does), a started or past booking cannot be skipped. Skipping twice is
-- harmless (the second call changes nothing).

create or replace function public.skip_recurring_occurrence(
  p_recurring_booking_id uuid,
  p_occurrence_date date,
  p_reason text default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_reason text := nullif(btrim(p_reason), '');
  v_series public.recurring_bookings;
  v_exception public.recurring_booking_exceptions;
  v_booking public.bookings;
  v_cancellation jsonb;
  v_code text;
  v_detail text;
  v_hint text;
begin
  perform private.require_caller();
  if p_occurrence_date is null then
    perform private.raise_error('INVALID_REQUEST', 'The occurrence date is required.', 'p_occurrence_date');
  end if;
  perform private.require_sane_timestamp(p_occurrence_date::timestamptz, 'p_occurrence_date');
  if char_length(v_reason) > 2000 then
    perform private.raise_error('INVALID_REQUEST', 'The reason may have at most 2000 characters.', 'p_reason');
  end if;
  v_series := private.series_for_party(p_recurring_booking_id);
  perform private.assert_series_occurrence(v_series, p_occurrence_date);

  select x.* into v_exception
  from public.recurring_booking_exceptions as x
  where x.organization_id = v_series.organization_id
    and x.recurring_booking_id = v_series.id
    and x.occurrence_date = p_occurrence_date;
  select b.* into v_booking
  from public.bookings as b
  where b.recurring_booking_id = v_series.id
    and b.recurring_occurrence_date = p_occurrence_date;

  if v_exception.kind = 'skipped' then
    null;  -- skipped already: nothing changes
  elsif v_booking.id is not null then
    if v_booking.status = 'cancelled' then
      perform private.raise_error('ALREADY_CANCELLED', 'This occurrence''s booking is already cancelled.', 'p_occurrence_date');
    end if;
    -- dispatched: skipping it is cancelling its booking, with every rule of cancel_booking
    begin
      v_cancellation := public.cancel_booking(v_booking.id, coalesce(v_reason, 'Skipped occurrence of a recurring booking.'));
    exception when sqlstate 'PT400' or sqlstate 'PT403' or sqlstate 'PT404' or sqlstate 'PT409' or sqlstate 'PT422' then
      get stacked diagnostics v_code = message_text, v_detail = pg_exception_detail, v_hint = pg_exception_hint;
      perform private.raise_error(v_code, v_detail, case v_hint when 'p_booking_id' then 'p_occurrence_date' else v_hint end);
    end;
  elsif coalesce(v_exception.starts_at, (p_occurrence_date + v_series.local_time) at time zone v_series.timezone) <= now() then
    perform private.raise_error('BOOKING_IN_PAST', 'This occurrence has already taken place.', 'p_occurrence_date');
  end if;

  if v_exception.kind is distinct from 'skipped' then
    insert into public.recurring_booking_exceptions
      (organization_id, recurring_booking_id, occurrence_date, kind, reason, created_by)
    values (v_series.organization_id, v_series.id, p_occurrence_date, 'skipped', v_reason, (select auth.uid()))
    on conflict (organization_id, recurring_booking_id, occurrence_date) do update
    set kind = 'skipped',
        starts_at = null,
        reason = excluded.reason,
        dispatched_on = null,
        error_code = null,
        error_detail = null,
        created_by = excluded.created_by;
    perform private.record_series_change(
      v_series, 'recurring_booking.occurrence_skipped',
      jsonb_build_object('kind', v_exception.kind, 'starts_at', v_exception.starts_at, 'booking_status', v_booking.status),
      jsonb_build_object('occurrence_date', p_occurrence_date, 'reason', v_reason, 'booking_id', v_booking.id,
                         'cancellation_policy_applied', v_cancellation ->> 'cancellation_policy_applied')
    );
  end if;

  return (
    select to_jsonb(s) || jsonb_build_object(
      'success', true,
      'cancellation_policy_applied', v_cancellation ->> 'cancellation_policy_applied'
    )
    from private.series_schedule(v_series, p_occurrence_date, 1) as s
  );
end
$$;

comment on function public.skip_recurring_occurrence(uuid, date, text) is
  'Skips one occurrence of a recurring series (p_occurrence_date: its date in the series'' rule): it is not dispatched and holds nothing. An occurrence already booked is cancelled with cancel_booking''s rules (p_reason, default "Skipped occurrence of a recurring booking."; a client''s late skip forfeits the credit like a late cancellation). Skipping a skipped occurrence changes nothing. For the series'' client, the provider who runs it and owners/admins. Returns the occurrence as get_series_schedule shows it (state skipped) plus success and cancellation_policy_applied (null when nothing was booked). Audited; outbox event recurring_booking.occurrence_skipped. Errors: UNAUTHORIZED, INVALID_REQUEST (hint = argument; not an occurrence of the series), NOT_FOUND, FORBIDDEN, ALREADY_CANCELLED (PT409: its booking was cancelled), BOOKING_IN_PAST (PT422: it has taken place or started).
@returns {success: boolean, recurring_booking_id: uuid, occurrence_date: date, state: text, starts_at: timestamptz, ends_at: timestamptz, regular_starts_at: timestamptz, held: boolean, provider_id: uuid, booking_id: uuid | null, booking_status: text | null, error_code: text | null, error_detail: text | null, reason: text | null, cancellation_policy_applied: ''no_refund'' | ''credit_restored'' | ''credit_forfeited'' | null}';

revoke execute on function public.skip_recurring_occurrence(uuid, date, text) from public, anon;
grant execute on function public.skip_recurring_occurrence(uuid, date, text) to authenticated, service_role;

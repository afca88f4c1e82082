-- Seed 004's SessionCompletionTrigger, in the database: when a session of a treatment is
-- completed (complete_booking, or any status update to completed), the same transaction writes
--   treatment.next_session_due  (sequential treatments with sessions still to book and none
--                                upcoming: the client should book the next one now), and
--   treatment.completed         (any strategy, once every session is completed)
-- to the outbox, with the progress message, so notifications go out only if the completion
-- commits.

create or replace function private.treatment_session_completed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_progress jsonb := private.treatment_progress_of(new.session_group_id);
  v_gap integer;
  v_tz text;
  v_config jsonb;
  v_labels text[];
  v_next integer := (v_progress ->> 'next_session_number')::integer;
begin
  if v_progress is null then
    return null;
  end if;

  if (v_progress ->> 'completed')::integer >= (v_progress ->> 'total_sessions')::integer then
    perform private.emit_event(new.organization_id, 'treatment.completed', jsonb_build_object(
      'session_group_id', new.session_group_id,
      'booking_id', new.id,
      'client_id', new.client_id,
      'provider_id', new.provider_id,
      'service_id', new.service_id,
      'total_sessions', v_progress -> 'total_sessions',
      'message', v_progress -> 'message'
    ));
    return null;
  end if;

  if v_progress ->> 'strategy' = 'sequential'
     and v_progress ->> 'next_session_number' is not null
     and (v_progress ->> 'upcoming')::integer = 0 then
    select o.timezone, sv.session_buffer_config, sv.session_labels into v_tz, v_config, v_labels
    from public.organizations as o
    left join public.services as sv on sv.id = new.service_id
    where o.id = new.organization_id;
    v_gap := private.treatment_gap_days(v_config, v_next - 1);
    perform private.emit_event(new.organization_id, 'treatment.next_session_due', jsonb_build_object(
      'session_group_id', new.session_group_id,
      'completed_booking_id', new.id,
      'completed_session_number', new.session_number,
      'completed_session_label', v_labels[new.session_number],
      'next_session_number', v_progress -> 'next_session_number',
      'next_session_label', v_labels[v_next],
      'earliest_date', (new.start_time at time zone v_tz)::date + v_gap,
      'client_id', new.client_id,
      'provider_id', new.provider_id,
      'service_id', new.service_id,
      'total_sessions', v_progress -> 'total_sessions',
      'completed', v_progress -> 'completed',
      'remaining', v_progress -> 'remaining',
      'message', format('Great job completing session %s of %s%s! ', new.session_number, v_progress ->> 'total_sessions',
                        ' (' || v_labels[new.session_number] || ')')
        || (v_progress ->> 'message')
        || format(' When would you like to schedule session %s%s?', v_next, ' (' || v_labels[v_next] || ')')
    ));
  end if;
  return null;
end
$$;

comment on function private.treatment_session_completed() is
  'AFTER UPDATE OF status trigger on bookings (treatment sessions turning completed): emits treatment.next_session_due (sequential treatment, sessions left to book, none upcoming; payload with next_session_number, next_session_label, completed_session_label, earliest_date and the progress message) or treatment.completed (every session completed), in the same transaction.';

revoke all on function private.treatment_session_completed() from public, anon;

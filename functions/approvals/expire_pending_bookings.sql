-- private.expire_pending_bookings: run every 5 minutes by the pg_cron job expire-pending-bookings
-- (migration 20261127180200). A booking still pending at its answer deadline (approval_expires_at,
-- or its start if that comes first) is cancelled by the system as 'expired': the cancellation
-- path releases the slot, restores the credit and emits booking.expired. Rows another
-- transaction is answering right now are skipped (for update skip locked) and looked at again on
-- the next run; one failing row never stops the others.

create or replace function private.expire_pending_bookings()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid;
  v_count integer := 0;
begin
  for v_id in
    select b.id
    from public.bookings b
    where b.status = 'pending'
      and b.approval_expires_at is not null
      and least(b.approval_expires_at, b.start_time) <= now()
    order by b.approval_expires_at, b.id
    for update skip locked
  loop
    begin
      insert into public.booking_cancellations (booking_id, reason, cancellation_kind)
      values (v_id, 'Not answered in time.', 'expired');
      v_count := v_count + 1;
    exception when others then
      raise warning 'expire_pending_bookings: booking % not expired: %', v_id, sqlerrm;
    end;
  end loop;
  return v_count;
end
$$;

comment on function private.expire_pending_bookings() is
  'pg_cron job expire-pending-bookings (every 5 minutes): every pending booking past its approval_expires_at (or its start) is cancelled by the system with cancellation_kind expired (slot released, credit restored, booking.expired event). Returns how many expired.';

revoke all on function private.expire_pending_bookings() from public, anon, authenticated;
grant execute on function private.expire_pending_bookings() to service_role;

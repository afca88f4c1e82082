-- Approval 2/2: pg_cron job expiring unanswered pending bookings. Why: a booking awaiting
-- approval holds a slot and a credit; if nobody answers within the service's limit (or before
-- the session starts) the hold must end by itself. private.expire_pending_bookings()
-- (functions/approvals/) cancels each one as the system (cancellation_kind expired, credit
-- restored, booking.expired event), every 5 minutes. Idempotent by job name; databases without
-- pg_cron (test databases, projects where the extension is off) skip it.

do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.unschedule(j.jobid) from cron.job as j where j.jobname = 'expire-pending-bookings';
    perform cron.schedule('expire-pending-bookings', '*/5 * * * *', 'select private.expire_pending_bookings()');
  end if;
end
$$;

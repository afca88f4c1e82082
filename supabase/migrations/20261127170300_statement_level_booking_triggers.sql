-- Statement-level booking triggers (issue 13), 2/2: the row triggers they replace go.
-- Why: participant counts, status history, outbox events and credit spending are per statement
-- now (triggers/bookings.sql, triggers/service_sessions.sql, triggers/booking_cancellations.sql,
-- created by the repeatable sources), so a statement writing 100,000 bookings runs the same
-- triggers as one booking; the recurring dispatcher writes through them instead of bypassing
-- them, and the fingerprint that guarded its bypass goes too. Old signatures of functions whose
-- arguments changed go with them.

set local lock_timeout = '5s';

drop trigger if exists bookings_before_write on public.bookings;
drop trigger if exists bookings_spend_credit on public.bookings;
drop trigger if exists bookings_after_write on public.bookings;
drop trigger if exists service_sessions_before_write on public.service_sessions;
drop trigger if exists service_sessions_require_provider on public.service_sessions;
drop trigger if exists service_sessions_sync_bookings on public.service_sessions;

-- squawk-ignore ban-drop-function
drop function if exists private.bookings_before_write();
-- squawk-ignore ban-drop-function
drop function if exists private.bookings_after_write();
-- squawk-ignore ban-drop-function
drop function if exists private.bookings_spend_credit();
-- squawk-ignore ban-drop-function
drop function if exists private.service_sessions_before_write();
-- squawk-ignore ban-drop-function
drop function if exists private.emit_booking_created(public.bookings);
-- squawk-ignore ban-drop-function
drop function if exists private.emit_booking_finished(public.bookings);
-- squawk-ignore ban-drop-function
drop function if exists private.join_service_session(uuid, uuid, text, boolean);
-- squawk-ignore ban-drop-function
drop function if exists private.recurring_fast_path_verified();
-- squawk-ignore ban-drop-function
drop function if exists private.recurring_fast_path_fingerprint();

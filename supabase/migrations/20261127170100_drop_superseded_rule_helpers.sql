-- One home for the booking rules (issue 13), 2/n: the helpers that restated them go.
-- Why: the booking rules now live once, set-based, in functions/rules/ (private.booking_rule_failures,
-- private.assert_bookable); every path that used these helpers asks the rules instead. Old
-- signatures that earlier migrations left behind go too (they were still executable by
-- authenticated on a fresh install).
-- nothing outside the database calls these private helpers (not granted to API roles)
set local lock_timeout = '5s';

-- squawk-ignore ban-drop-function
drop function if exists private.assert_slot_bookable(public.services, uuid, timestamptz, timestamptz, uuid, boolean);
-- squawk-ignore ban-drop-function
drop function if exists private.assert_slot_bookable(public.services, uuid, timestamptz, timestamptz, uuid);
-- squawk-ignore ban-drop-function
drop function if exists private.assert_booking_window(public.services, timestamptz);
-- squawk-ignore ban-drop-function
drop function if exists private.assert_session_schedulable(public.services, uuid, timestamptz, timestamptz, uuid, text);
-- squawk-ignore ban-drop-function
drop function if exists private.provider_busy(uuid, tstzrange, integer, integer, uuid, uuid);
-- squawk-ignore ban-drop-function
drop function if exists private.provider_busy(uuid, tstzrange, integer, integer, uuid);
-- squawk-ignore ban-drop-function
drop function if exists private.assert_reschedule_window(public.bookings, timestamptz, boolean);
-- squawk-ignore ban-drop-function
drop function if exists private.credit_for_move(public.bookings, timestamptz);
-- squawk-ignore ban-drop-function
drop function if exists private.assert_treatment_order(uuid, integer, timestamptz, uuid, text);
-- squawk-ignore ban-drop-function
drop function if exists private.open_individual_session(uuid, uuid, timestamptz, uuid, uuid, timestamptz);
-- squawk-ignore ban-drop-function
drop function if exists private.client_full_periods(public.services, uuid, tstzrange, uuid);
-- squawk-ignore ban-drop-function
drop function if exists private.assert_client_limit(public.services, uuid, timestamptz, uuid, text);

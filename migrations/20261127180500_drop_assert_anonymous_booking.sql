-- Drop private.assert_anonymous_booking. Why: the anonymous-booking rule lives in the rule home
-- (private.rule_anonymous_booking, asked with the other rules of a booking's purpose), so nothing
-- calls the one-row helper any more (functions/ files only create).

-- nothing outside the database calls this private helper (not granted to API roles)
set local lock_timeout = '5s';

-- squawk-ignore ban-drop-function
drop function if exists private.assert_anonymous_booking(uuid, uuid, text, text);

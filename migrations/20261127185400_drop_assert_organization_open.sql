-- Drop private.assert_organization_open. Why: the closure rule lives in the rule home
-- (private.rule_organization_open, issue 13); join_waitlist asks it there with the other rules of
-- its purpose, so nothing calls the one-row helper any more (functions/ files only create).

-- nothing outside the database calls this private helper (not granted to API roles)
set local lock_timeout = '5s';

-- squawk-ignore ban-drop-function
drop function if exists private.assert_organization_open(uuid, timestamptz, timestamptz, text);

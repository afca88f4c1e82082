-- Tenant isolation: drop private.require_signed_in_user(text).
-- Why: accept_invitation, decline_invitation and leave_organization now share
-- private.lock_own_membership (functions/organizations/invitations.sql), which does that check
-- and the rest of their common start; a function removed from functions/ is dropped by a
-- migration. It lives in the unexposed private schema and only those RPCs called it.

set local lock_timeout = '5s';

-- squawk-ignore ban-drop-function
drop function if exists private.require_signed_in_user(text);

-- Tenant isolation 2/4: validate the constraints 20261127120000 added not valid.
-- Why: adding them not valid took only a brief lock; validating here, in a separate
-- transaction, scans organization_members under a lock that does not block reads or writes.

set local lock_timeout = '5s';

alter table public.organization_members validate constraint organization_members_status_check;

alter table public.organization_members validate constraint organization_members_invited_by_fkey;

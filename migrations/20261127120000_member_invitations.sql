-- Tenant isolation 1/4: memberships are invitations until the invited user accepts them.
-- Why: a person's time is one calendar across organizations, so only organizations the person
-- agreed to join may occupy it (or read anything about it). Until now any owner/admin could
-- add any user as a provider and then block that user's time everywhere. From now on a new
-- membership starts as `invited` (add_organization_member, or a direct insert by an owner/admin)
-- and counts for nothing - no role, no reads, no slots, no bookings - until its user calls
-- accept_invitation(); the creator of an organization is accepted at once.
-- Backfill: every membership that exists when this migration runs was created by the legacy
-- app and is in use, so it counts as accepted. The column is added with default 'accepted'
-- (which fills existing rows without rewriting the table; nothing to do on a fresh database),
-- then the default becomes 'invited' for every later row. The constraints are validated by
-- 20261127120100.

set local lock_timeout = '5s';

alter table public.organization_members
  add column status text not null default 'accepted';

alter table public.organization_members
  alter column status set default 'invited';

alter table public.organization_members
  add constraint organization_members_status_check check (status in ('invited', 'accepted')) not valid;

alter table public.organization_members add column invited_by uuid;

alter table public.organization_members
  add constraint organization_members_invited_by_fkey
  foreign key (invited_by) references auth.users (id) on delete set null
  not valid;

create index organization_members_invited_by_idx on public.organization_members (invited_by);

comment on column public.organization_members.status is 'invited (created by add_organization_member or an owner/admin''s insert: grants nothing yet) | accepted (the user called accept_invitation, created the organization, or the membership predates invitations). Declining or leaving deletes the row.';
comment on column public.organization_members.invited_by is 'auth.users id of the owner/admin who invited the user (null for legacy memberships and organization creators).';

-- organization_members: who sees whom. Everyone sees their own memberships (invitations
-- included: that is how an invited user finds them). Owners/admins see their organization's
-- whole list, invitations included; providers see its accepted members (they serve the
-- clients); clients see the staff (owners, admins, providers) and themselves - never the other
-- clients. Owners/admins manage the list (an insert is an invitation, see
-- functions/organizations/membership_rules.sql), but only an owner may invite, change or remove
-- an owner; anyone may leave or decline (except the last owner, see private.protect_last_owner).

drop policy if exists organization_members_select_members on public.organization_members;
drop policy if exists organization_members_select_visible on public.organization_members;
create policy organization_members_select_visible on public.organization_members
  for select to authenticated
  using (
    user_id = (select auth.uid())
    or private.has_role(organization_id, array['owner', 'admin'])
    or (status = 'accepted' and private.has_role(organization_id, array['provider']))
    or (status = 'accepted' and role in ('owner', 'admin', 'provider') and private.is_member(organization_id))
  );

drop policy if exists organization_members_insert_owner_admin on public.organization_members;
create policy organization_members_insert_owner_admin on public.organization_members
  for insert to authenticated
  with check (
    private.has_role(organization_id, array['owner', 'admin'])
    and (role <> 'owner' or private.has_role(organization_id, array['owner']))
  );

drop policy if exists organization_members_update_owner_admin on public.organization_members;
create policy organization_members_update_owner_admin on public.organization_members
  for update to authenticated
  using (
    private.has_role(organization_id, array['owner', 'admin'])
    and (role <> 'owner' or private.has_role(organization_id, array['owner']))
  )
  with check (
    private.has_role(organization_id, array['owner', 'admin'])
    and (role <> 'owner' or private.has_role(organization_id, array['owner']))
  );

drop policy if exists organization_members_delete_owner_admin_or_self on public.organization_members;
create policy organization_members_delete_owner_admin_or_self on public.organization_members
  for delete to authenticated
  using (
    user_id = (select auth.uid())
    or (
      private.has_role(organization_id, array['owner', 'admin'])
      and (role <> 'owner' or private.has_role(organization_id, array['owner']))
    )
  );

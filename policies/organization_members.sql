-- organization_members: members read their organization's member list; owners/admins manage
-- it, but only an owner may create, change or remove an owner; anyone may leave (except the
-- last owner, see private.protect_last_owner).

drop policy if exists organization_members_select_members on public.organization_members;
create policy organization_members_select_members on public.organization_members
  for select to authenticated
  using (private.is_member(organization_id));

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

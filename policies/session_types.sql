-- session_types: every member reads their organization's types (to book and display them);
-- owners/admins create, edit, deactivate and delete them.

drop policy if exists session_types_select_members on public.session_types;
create policy session_types_select_members on public.session_types
  for select to authenticated
  using (private.is_member(organization_id));

drop policy if exists session_types_insert_owner_admin on public.session_types;
create policy session_types_insert_owner_admin on public.session_types
  for insert to authenticated
  with check (private.has_role(organization_id, array['owner', 'admin']));

drop policy if exists session_types_update_owner_admin on public.session_types;
create policy session_types_update_owner_admin on public.session_types
  for update to authenticated
  using (private.has_role(organization_id, array['owner', 'admin']))
  with check (private.has_role(organization_id, array['owner', 'admin']));

drop policy if exists session_types_delete_owner_admin on public.session_types;
create policy session_types_delete_owner_admin on public.session_types
  for delete to authenticated
  using (private.has_role(organization_id, array['owner', 'admin']));

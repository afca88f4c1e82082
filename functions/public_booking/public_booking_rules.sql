-- The definitions of public booking, shared by its RPCs (functions/public_booking/*) and the rule
-- home (functions/rules/: public_listing asks listed_service/listed_providers, anonymous_booking
-- asks is_anonymous_caller):
--   private.is_anonymous_caller()            a Supabase anonymous sign-in is calling
--   private.published_organization(slug)     the organization behind a published booking page
--   private.listed_service(service_id)       a service listed on a published page (else null)
--   private.listed_providers(service)        who offers a listed service, with public names
--   private.join_as_public_client(org)       a signed-in visitor becomes a client of the
--                                            organization (accepted at once: they asked)
-- What anon may see is exactly what these return: no other organization (unpublished pages are
-- NOT_FOUND), no bookings, no members beyond the listed providers' ids and display names.

create or replace function private.is_anonymous_caller()
returns boolean
language sql
stable
set search_path = ''
as $$
  -- Supabase Auth puts is_anonymous (true for signInAnonymously() users, false otherwise) at the
  -- top level of the access token; auth.jwt() returns the claims as jsonb.
  select coalesce((auth.jwt() ->> 'is_anonymous')::boolean, false)
$$;

comment on function private.is_anonymous_caller() is
  'True when the caller is a Supabase anonymous sign-in: role authenticated with the JWT claim is_anonymous = true (auth.jwt() ->> ''is_anonymous'').';

revoke all on function private.is_anonymous_caller() from public, anon, authenticated;
grant execute on function private.is_anonymous_caller() to service_role;

create or replace function private.published_organization(p_slug text)
returns public.organizations
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_org public.organizations;
begin
  if p_slug is null or char_length(p_slug) > 63 or p_slug !~ '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$' then
    perform private.raise_error('INVALID_REQUEST', 'A booking page slug (3 to 63 lowercase letters, digits or hyphens) is required.', 'p_slug');
  end if;
  select o.* into v_org
  from public.organizations o
  join public.organization_settings s on s.organization_id = o.id
  where o.slug = p_slug
    and s.public_booking_enabled;
  if v_org.id is null then
    -- absent and unpublished look the same: a page that is not published does not exist
    perform private.raise_error('NOT_FOUND', 'Booking page not found.', 'p_slug');
  end if;
  return v_org;
end
$$;

comment on function private.published_organization(text) is
  'The organization whose booking page has this slug, when it is published (organization_settings.public_booking_enabled); INVALID_REQUEST (malformed slug), NOT_FOUND (absent or unpublished), hint p_slug.';

revoke all on function private.published_organization(text) from public, anon, authenticated;
grant execute on function private.published_organization(text) to service_role;

create or replace function private.listed_service(p_service_id uuid)
returns public.services
language sql
stable
security definer
set search_path = ''
as $$
  select sv.*
  from public.services sv
  join public.organization_settings s on s.organization_id = sv.organization_id
  where sv.id = p_service_id
    and sv.is_public
    and sv.is_active
    and s.public_booking_enabled
$$;

comment on function private.listed_service(uuid) is
  'The service when it is listed on a published booking page (public, active, its organization publishes the page); else a row of nulls.';

revoke all on function private.listed_service(uuid) from public, anon, authenticated;
grant execute on function private.listed_service(uuid) to service_role;

create or replace function private.listed_providers(p_service public.services)
returns table (provider_id uuid, display_name text)
language sql
stable
security definer
set search_path = ''
as $$
  -- the service's own provider, else every accepted provider-capable member who keeps weekly
  -- hours in the organization (someone without hours has no slot to offer)
  select m.user_id, m.display_name
  from public.organization_members m
  where m.organization_id = p_service.organization_id
    and m.status = 'accepted'
    and m.role in ('owner', 'admin', 'provider')
    and (p_service.provider_id = m.user_id
         or (p_service.provider_id is null
             and exists (
               select 1 from public.availability_rules r
               where r.organization_id = m.organization_id
                 and r.provider_id = m.user_id
                 and (r.valid_until is null or r.valid_until >= current_date)
             )))
  order by m.display_name nulls last, m.user_id
$$;

comment on function private.listed_providers(public.services) is
  'Who offers a listed service on the public page, with the display name the organization gave them: the service''s provider, else every accepted owner/admin/provider with current weekly hours in the organization. Nothing else about them (no email, no role).';

revoke all on function private.listed_providers(public.services) from public, anon, authenticated;
grant execute on function private.listed_providers(public.services) to service_role;

create or replace function private.join_as_public_client(p_organization_id uuid)
returns public.organization_members
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_member public.organization_members;
begin
  if v_uid is null then
    perform private.raise_error('UNAUTHORIZED', 'Sign in (an anonymous sign-in will do where the organization allows it) to book.');
  end if;
  -- concurrent first bookings of one visitor: the second waits for the first's row, then finds it
  insert into public.organization_members (organization_id, user_id, role, status)
  values (p_organization_id, v_uid, 'client', 'accepted')
  on conflict (organization_id, user_id) do nothing;

  select m.* into v_member
  from public.organization_members m
  where m.organization_id = p_organization_id
    and m.user_id = v_uid;
  if v_member.status = 'invited' then
    perform private.raise_error(
      'CONFLICT',
      'You have an open invitation to this organization: accept or decline it first.',
      'p_service_id'
    );
  end if;
  if v_member.role <> 'client' then
    perform private.raise_error(
      'FORBIDDEN',
      'Only clients book for themselves; owners, admins and providers name the client with p_client_id.',
      'p_service_id'
    );
  end if;
  return v_member;
end
$$;

comment on function private.join_as_public_client(uuid) is
  'The signed-in caller becomes an accepted client of the organization (they asked: no invitation), or stays the client they are; member.joined event. UNAUTHORIZED without a user, CONFLICT with an open invitation, FORBIDDEN for staff (they book for clients with p_client_id).';

revoke all on function private.join_as_public_client(uuid) from public, anon, authenticated;
grant execute on function private.join_as_public_client(uuid) to service_role;

-- create_organization: the only way a user creates a tenant; the caller becomes its owner
-- (an accepted membership at once: the one membership that needs no invitation).

create or replace function public.create_organization(p_name text, p_slug text, p_timezone text default 'UTC')
returns public.organizations
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_org public.organizations;
begin
  if v_uid is null then
    perform private.raise_error('UNAUTHORIZED', 'You must be signed in to create an organization.');
  end if;
  if not exists (select 1 from auth.users u where u.id = v_uid) then
    perform private.raise_error('UNAUTHORIZED', 'The signed-in user does not exist.');
  end if;
  if p_name is null or btrim(p_name) = '' or char_length(btrim(p_name)) > 200 then
    perform private.raise_error('INVALID_REQUEST', 'A name of 1 to 200 characters is required.', 'p_name');
  end if;
  if p_slug is null or p_slug !~ '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$' then
    perform private.raise_error(
      'INVALID_REQUEST',
      'The slug must be 3 to 63 lowercase letters, digits or hyphens, starting and ending with a letter or digit.',
      'p_slug'
    );
  end if;
  if not private.is_valid_timezone(p_timezone) then
    perform private.raise_error(
      'INVALID_REQUEST',
      format('"%s" is not an IANA time zone name (e.g. Europe/Berlin).', p_timezone),
      'p_timezone'
    );
  end if;
  if exists (select 1 from public.organizations o where o.slug = p_slug) then
    perform private.raise_error('CONFLICT', format('The slug "%s" is already taken.', p_slug), 'p_slug');
  end if;

  begin
    insert into public.organizations (name, slug, timezone, created_by)
    values (btrim(p_name), p_slug, p_timezone, v_uid)
    returning * into v_org;
  exception when unique_violation then
    -- lost a race for the same slug
    perform private.raise_error('CONFLICT', format('The slug "%s" is already taken.', p_slug), 'p_slug');
  end;

  -- the creator is the one member who needs no invitation
  insert into public.organization_members (organization_id, user_id, role, status)
  values (v_org.id, v_uid, 'owner', 'accepted');

  perform private.sync_default_session_type(v_org.id);
  perform public.ensure_default_session_types_for_org(v_uid, v_org.id);

  return v_org;
end
$$;

comment on function public.create_organization(text, text, text) is
  'Creates an organization owned by the caller, with its settings row and the default 30/60/90-minute session types. Errors: UNAUTHORIZED, INVALID_REQUEST (hint p_name, p_slug or p_timezone), CONFLICT (slug taken).';

revoke execute on function public.create_organization(text, text, text) from public, anon;
grant execute on function public.create_organization(text, text, text) to authenticated, service_role;

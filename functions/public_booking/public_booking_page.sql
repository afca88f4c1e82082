-- A published booking page, readable by anyone (anon included): the organization's name and
-- time zone, its public services and who offers them. Exactly these columns, of published pages
-- only: no other organization, no booking, no member beyond the listed providers' ids (needed
-- to ask for their slots) and display names.

create or replace function public.list_public_services(p_slug text)
returns table (
  service_id uuid,
  name text,
  description text,
  duration_minutes integer,
  price numeric,
  currency text,
  requires_approval boolean,
  providers jsonb
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_org public.organizations := private.published_organization(p_slug);
begin
  return query
    select sv.id, sv.name, sv.description, st.duration_minutes, sv.price, sv.currency, sv.requires_approval,
           coalesce((
             select jsonb_agg(jsonb_build_object('provider_id', p.provider_id, 'display_name', p.display_name))
             from private.listed_providers(sv) as p
           ), '[]'::jsonb)
    from public.services sv
    cross join lateral private.listed_service(sv.id) as listed
    left join public.session_types st
      on st.organization_id = sv.organization_id
     and st.id = coalesce(sv.session_type_id, private.applicable_session_type(sv.organization_id))
    where sv.organization_id = v_org.id
      and listed.id is not null
    order by sv.name, sv.id;
end
$$;

comment on function public.list_public_services(text) is
  'The services listed on a published booking page (anyone, anon included): service_id, name, description, duration_minutes (null when no session type applies), price, currency, requires_approval, providers [{provider_id, display_name}] (the service''s provider, else every provider with weekly hours). Errors: INVALID_REQUEST (hint p_slug), NOT_FOUND (no such page, or not published).';

revoke execute on function public.list_public_services(text) from public;
grant execute on function public.list_public_services(text) to anon, authenticated, service_role;

create or replace function public.get_public_booking_page(p_slug text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_org public.organizations := private.published_organization(p_slug);
  v_settings public.organization_settings;
begin
  select s.* into v_settings from public.organization_settings s where s.organization_id = v_org.id;
  return jsonb_build_object(
    'organization', jsonb_build_object('name', v_org.name, 'slug', v_org.slug, 'timezone', v_org.timezone),
    'allows_anonymous', v_settings.public_booking_allows_anonymous,
    'anonymous_booking_kind',
      case when v_settings.public_booking_allows_anonymous then v_settings.public_booking_anonymous_kind end,
    'services', coalesce((
      select jsonb_agg(to_jsonb(ls) order by ls.name, ls.service_id)
      from public.list_public_services(p_slug) as ls
    ), '[]'::jsonb)
  );
end
$$;

comment on function public.get_public_booking_page(text) is
  'A published booking page in one call (anyone, anon included): {organization: {name, slug, timezone}, allows_anonymous, anonymous_booking_kind, services: list_public_services(p_slug)}. Errors: INVALID_REQUEST (hint p_slug), NOT_FOUND (no such page, or not published).
@returns {organization: {name: text, slug: text, timezone: text}, allows_anonymous: boolean, anonymous_booking_kind: ''regular'' | ''trial'' | ''guest'' | null, services: {service_id: uuid, name: text, description: text | null, duration_minutes: integer | null, price: numeric, currency: text, requires_approval: boolean, providers: {provider_id: uuid, display_name: text | null}[]}[]}';

revoke execute on function public.get_public_booking_page(text) from public;
grant execute on function public.get_public_booking_page(text) to anon, authenticated, service_role;

-- Booking rules of the public booking page and of approval (registry: functions/rules/registry.sql).
--   public_listing   a candidate from a published booking page (public_page) is a listed service
--                    with one of the providers the page shows for it (private.listed_service,
--                    private.listed_providers: the page's own definitions)
--   series_approval  a client does not set up a recurring series of a service that requires
--                    approval: the dispatcher books occurrences as the system (confirmed), so
--                    staff set such a series up for the client

create or replace function private.rule_public_listing(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text)
language sql
stable
as $$
  -- one lookup per (service, provider) pair, however many slots a search asks about
  with pairs as (
    select distinct c.service_id, c.provider_id
    from unnest(p_candidates) as c
    where c.purpose = any (private.rule_purposes('public_listing'))
      and c.public_page
  ),
  refused as (
    select p.service_id, p.provider_id, l.id is null as unlisted
    from pairs as p
    left join lateral private.listed_service(p.service_id) as l on true
    where l.id is null
       or not exists (select 1 from private.listed_providers(l) as lp where lp.provider_id = p.provider_id)
  )
  select
    c.n,
    'NOT_FOUND',
    case when r.unlisted then 'Service not found on a published booking page.'
         else 'This provider does not offer the service on the booking page.' end,
    case when r.unlisted then 'service_id' else 'provider_id' end
  from unnest(p_candidates) as c
  join refused as r
    on r.service_id is not distinct from c.service_id
   and r.provider_id is not distinct from c.provider_id
  where c.purpose = any (private.rule_purposes('public_listing'))
    and c.public_page
$$;

comment on function private.rule_public_listing(private.booking_candidate[], boolean) is
  'Rule public_listing: a candidate from a published booking page (public_page) is NOT_FOUND unless its service is listed there (public, active, the page published: hint service_id) and its provider is one the page shows for it (hint provider_id) - an unpublished page looks like an absent one.';

create or replace function private.rule_series_approval(p_candidates private.booking_candidate[], p_together boolean)
returns table (n integer, code text, detail text, hint text)
language sql
stable
as $$
  select
    c.n,
    'FORBIDDEN',
    format('Service "%s" requires the provider''s approval: a recurring series of it is set up by the provider or an admin.', sv.name),
    'service_id'
  from unnest(p_candidates) as c
  join public.services as sv on sv.id = c.service_id
  where c.purpose = any (private.rule_purposes('series_approval'))
    and c.client_id is not null  -- the series itself (its occurrences' holds name no client)
    and sv.requires_approval
    and not coalesce(c.acting_as_staff, false)
$$;

comment on function private.rule_series_approval(private.booking_candidate[], boolean) is
  'Rule series_approval: FORBIDDEN (hint service_id) for a series of a service that requires approval set up by anyone but staff (the dispatcher books its occurrences as the system, confirmed).';

revoke all on function private.rule_public_listing(private.booking_candidate[], boolean) from public, anon, authenticated;
revoke all on function private.rule_series_approval(private.booking_candidate[], boolean) from public, anon, authenticated;
grant execute on function private.rule_public_listing(private.booking_candidate[], boolean) to service_role;
grant execute on function private.rule_series_approval(private.booking_candidate[], boolean) to service_role;

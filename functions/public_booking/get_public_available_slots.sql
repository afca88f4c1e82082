-- get_public_available_slots: the free slots of a listed service with one of its listed
-- providers, for a published booking page (anyone, anon included). The same computation as a
-- member's get_available_slots (private.service_slots); only the door differs: its candidates
-- come from the page (public_page), so the rule public_listing answers NOT_FOUND for a service
-- that is not listed on a published page, or a provider the page does not show for it.

create or replace function public.get_public_available_slots(
  p_provider_id uuid,
  p_service_id uuid,
  p_from date,
  p_to date
)
returns table (starts_at timestamptz, ends_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_service public.services;
begin
  perform private.require_slot_search(p_provider_id, p_service_id, p_from, p_to);

  select sv.* into v_service from public.services sv where sv.id = p_service_id;
  if v_service.id is null then
    perform private.raise_error('NOT_FOUND', 'Service not found on a published booking page.', 'p_service_id');
  end if;

  return query
    select s.starts_at, s.ends_at from private.service_slots(v_service, p_provider_id, p_from, p_to, true) as s;
end
$$;

comment on function public.get_public_available_slots(uuid, uuid, date, date) is
  'Free slots (starts_at, ends_at) of a service listed on a published booking page with one of its listed providers, between local dates p_from and p_to (at most 92 days); the same slots a member gets from get_available_slots. Anyone, anon included. Errors: INVALID_REQUEST (hint = field), NOT_FOUND (service not listed / page not published: p_service_id; provider not offering it: p_provider_id).';

revoke execute on function public.get_public_available_slots(uuid, uuid, date, date) from public;
grant execute on function public.get_public_available_slots(uuid, uuid, date, date) to anon, authenticated, service_role;

-- Public booking 3/3 (issue 14): "booked from a published booking page" becomes a fact the rule
-- home knows. Why: the page's rule (the service is listed on a published page, the provider is
-- one the page shows) is a booking rule like the others, asked by book_public_slot and by the
-- page's slot search through private.booking_rule_failures (rule public_listing,
-- functions/rules/public_page.sql), instead of a copy in each RPC. Adding an attribute to a
-- composite type rewrites nothing; private.new_candidate() gains the matching parameter.

set local lock_timeout = '5s';

alter type private.booking_candidate add attribute public_page boolean;

comment on column private.booking_candidate.public_page is
  'The booking or slot comes from a published booking page (book_public_slot, get_public_available_slots): rule public_listing applies.';

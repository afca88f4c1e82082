// How a Supabase frontend uses the generated types (compiled by tests/test_typegen_typescript.py).
// Copy database.types.ts to src/integrations/supabase/types.ts, or import it from here.
import { createClient } from "@supabase/supabase-js"

import { CheckValues, isRpcError, type Database, type Tables, type TablesInsert } from "./database.types"

const supabase = createClient<Database>("http://127.0.0.1:54321", "public-anon-key")

/** Rows are typed, check-constrained columns are unions. */
export async function upcomingBookings(organizationId: string) {
  const { data, error } = await supabase
    .from("bookings")
    .select()
    .eq("organization_id", organizationId)
    .in("status", ["pending", "confirmed"])
  if (error) throw error
  const statuses: Tables<"bookings">["status"][] = data.map((b) => b.status)
  return { data, statuses }
}

/** Dropdown values straight from the database's check constraints. */
export const bookingStatuses = CheckValues.public.bookings.status

/** RPC arguments are the function's named p_ parameters; errors carry the contract code. */
export async function cancelBooking(bookingId: string, reason: string) {
  const { data, error } = await supabase.rpc("cancel_booking", { p_booking_id: bookingId, p_reason: reason })
  if (isRpcError(error, "ALREADY_CANCELLED")) return null
  if (error) throw new Error(`${error.message}: ${error.details}`)
  return data
}

export async function createOrganization(name: string, slug: string) {
  const { data, error } = await supabase.rpc("create_organization", { p_name: name, p_slug: slug })
  if (error) throw error
  return data.id
}

export function memberRow(organizationId: string, userId: string): TablesInsert<"organization_members"> {
  return { organization_id: organizationId, user_id: userId, role: "provider" }
}

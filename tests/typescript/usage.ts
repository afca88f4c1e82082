// Compiled by tests/test_typegen_typescript.py with `tsc --noEmit --strict` against the generated
// Database type: what a Supabase frontend does with it must type-check, and misuse must not.
import { createClient } from "@supabase/supabase-js"

import type { Database, Tables, TablesInsert } from "sessionkit-db-types"
import { CheckValues, isRpcError } from "sessionkit-db-types"

const supabase = createClient<Database>("http://127.0.0.1:54321", "anon-key")

export async function listBookings() {
  const { data, error } = await supabase.from("bookings").select()
  if (error) throw error
  const statuses: Tables<"bookings">["status"][] = data.map((b) => b.status)
  return { data, statuses }
}

export async function bookingStatuses(organizationId: string) {
  const { data } = await supabase
    .from("bookings")
    .select("id, status, organization_id")
    .eq("organization_id", organizationId)
  const statuses: ("pending" | "confirmed" | "completed" | "cancelled" | "no_show")[] = (data ?? []).map(
    (b) => b.status,
  )
  return statuses
}

export const allStatuses: readonly string[] = CheckValues.public.bookings.status

export function newMember(organizationId: string, userId: string): TablesInsert<"organization_members"> {
  return { organization_id: organizationId, user_id: userId, role: "client" }
}

export async function createOrganization(name: string, slug: string) {
  const { data, error } = await supabase.rpc("create_organization", { p_name: name, p_slug: slug })
  if (isRpcError(error, "CONFLICT")) return null
  if (error) throw error
  const id: string = data.id
  const timezone: string = data.timezone
  return { id, timezone }
}

export async function defaultSessionTypes(organizationId: string) {
  const { data } = await supabase.rpc("ensure_default_session_types_for_org", {
    p_organization_id: organizationId,
    p_user_id: organizationId,
  })
  const minutes: number[] = (data ?? []).map((t) => t.duration_minutes)
  return minutes
}

export async function cancel(bookingId: string) {
  const { data, error } = await supabase.rpc("cancel_booking", { p_booking_id: bookingId, p_reason: "sick" })
  if (isRpcError(error, "ALREADY_CANCELLED")) return "already cancelled"
  if (error) throw new Error(`${error.code} ${error.message}`)
  return data
}

export async function misuse(organizationId: string) {
  // @ts-expect-error -- wrong argument name: cancel_booking takes p_booking_id
  await supabase.rpc("cancel_booking", { booking_id: organizationId, p_reason: "sick" })

  // @ts-expect-error -- `status` only takes the check-constrained values
  const bad: TablesInsert<"bookings">["status"] = "maybe"

  // @ts-expect-error -- wrong argument name: the RPC takes p_name, not name
  await supabase.rpc("create_organization", { name: "Studio", p_slug: "studio" })

  // @ts-expect-error -- no such RPC
  await supabase.rpc("create_organisation", { p_name: "Studio", p_slug: "studio" })

  // @ts-expect-error -- no such table
  await supabase.from("booking").select()

  return [bad, organizationId]
}

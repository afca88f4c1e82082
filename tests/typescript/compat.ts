// Side by side with Supabase's generator (tests/test_typegen_typescript.py compiles this with tsc):
// every table, view, column, relationship, function, enum and composite type in theirs must be
// in ours with a compatible type. `Issues` names what is not; it must be `never`.
//   rows, inserts, updates, returns: ours narrows theirs (check-constraint unions) or equals it;
//   optionality of every member is the same; function arguments: same names and optionality,
//   types assignable in either direction (ours may accept null for `DEFAULT NULL`).
import type { Database as Ours } from "ours-db-types"
import type { Database as Theirs } from "theirs-db-types"

type S = "public"
type O = Ours[S]
type T = Theirs[S]

type Optional<X, K extends PropertyKey> = K extends keyof X ? ({} extends Pick<X, K> ? true : false) : false
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false

/** Members of TT missing from OO, or whose type in OO does not narrow TT's. */
type Narrows<TT, OO, P extends string> = {
  [K in keyof TT & string]: K extends keyof OO
    ? [OO[K]] extends [TT[K]]
      ? Same<Optional<TT, K>, Optional<OO, K>> extends true
        ? never
        : `${P}.${K}: optionality differs`
      : `${P}.${K}: type differs`
    : `${P}.${K}: missing`
}[keyof TT & string]

/** Arguments: same keys and optionality, types assignable one way or the other. */
type ArgsMatch<TT, OO, P extends string> =
  | {
      [K in keyof TT & string]: K extends keyof OO
        ? [TT[K]] extends [OO[K]]
          ? Same<Optional<TT, K>, Optional<OO, K>> extends true
            ? never
            : `${P}.${K}: optionality differs`
          : [OO[K]] extends [TT[K]]
            ? never
            : `${P}.${K}: type differs`
        : `${P}.${K}: missing`
    }[keyof TT & string]
  | { [K in keyof OO & string]: K extends keyof TT ? never : `${P}.${K}: extra argument` }[keyof OO & string]

type Member<X, K extends string> = X extends { [P in K]: infer V } ? V : never
type Elem<X> = X extends readonly (infer E)[] ? E : never

// pg_partman's monthly partitions (<parent>_pYYYY_MM, <parent>_default): Supabase's generator lists
// them as tables, ours leaves them out (rows are read through the parent; the names change monthly)
type Partition = `${string}_p${number}_${number}` | `${string}_default`

type RelationIssues<TT, OO, Section extends string> = {
  [N in keyof TT & string]: N extends Partition ? never : N extends keyof OO
    ?
        | Narrows<Member<TT[N], "Row">, Member<OO[N], "Row">, `${Section}.${N}.Row`>
        | Narrows<Member<TT[N], "Insert">, Member<OO[N], "Insert">, `${Section}.${N}.Insert`>
        | Narrows<Member<TT[N], "Update">, Member<OO[N], "Update">, `${Section}.${N}.Update`>
        | (Same<Member<TT[N], "ComputedFields">, Member<OO[N], "ComputedFields">> extends true
            ? never
            : `${Section}.${N}.ComputedFields differ`)
        | ([Elem<Member<TT[N], "Relationships">>] extends [Elem<Member<OO[N], "Relationships">>]
            ? never
            : `${Section}.${N}.Relationships: some missing`)
        | ("Insert" extends keyof TT[N] ? ("Insert" extends keyof OO[N] ? never : `${Section}.${N}.Insert missing`) : never)
        | ("Update" extends keyof TT[N] ? ("Update" extends keyof OO[N] ? never : `${Section}.${N}.Update missing`) : never)
    : `${Section}.${N}: missing`
}[keyof TT & string]

type FunctionIssues = {
  [F in keyof T["Functions"] & string]: F extends keyof O["Functions"]
    ?
        | ArgsMatch<T["Functions"][F]["Args"], O["Functions"][F]["Args"], `Functions.${F}.Args`>
        | ([O["Functions"][F]["Returns"]] extends [T["Functions"][F]["Returns"]]
            ? never
            : `Functions.${F}.Returns: type differs`)
        | (Same<Member<T["Functions"][F], "SetofOptions">, Member<O["Functions"][F], "SetofOptions">> extends true
            ? never
            : `Functions.${F}.SetofOptions differ`)
    : `Functions.${F}: missing`
}[keyof T["Functions"] & string]

type EnumIssues = {
  [E in keyof T["Enums"] & string]: E extends keyof O["Enums"]
    ? Same<T["Enums"][E], O["Enums"][E]> extends true
      ? never
      : `Enums.${E}: values differ`
    : `Enums.${E}: missing`
}[keyof T["Enums"] & string]

type CompositeIssues = {
  [C in keyof T["CompositeTypes"] & string]: C extends keyof O["CompositeTypes"]
    ? Narrows<T["CompositeTypes"][C], O["CompositeTypes"][C], `CompositeTypes.${C}`>
    : `CompositeTypes.${C}: missing`
}[keyof T["CompositeTypes"] & string]

type SchemaIssues = Exclude<keyof Theirs, keyof Ours> extends never ? never : "schemas differ"

// One check per section, so tsc names one problem of each.
type MustBeNever<X extends never> = X
export type Checks = [
  MustBeNever<SchemaIssues>,
  MustBeNever<RelationIssues<T["Tables"], O["Tables"], "Tables">>,
  MustBeNever<RelationIssues<T["Views"], O["Views"], "Views">>,
  MustBeNever<FunctionIssues>,
  MustBeNever<EnumIssues>,
  MustBeNever<CompositeIssues>,
]

import { z } from "zod";

/**
 * Police units (Công an tỉnh → huyện → xã) as one tree. Cameras, users and watchlist entries belong
 * to a unit; a user sees what belongs to their unit and the units below it. Exactly one unit has no
 * parent: the root, created by the migration, which every record from before units belongs to.
 */
export const ROOT_UNIT_ID = "root";

/** Unit ids appear in the cameras file and in URLs: a lower-case slug. */
export const unitIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, "unit id must be lower-case letters, digits, '-' or '_'");

export const unitSchema = z.object({
  id: unitIdSchema,
  name: z.string(),
  /** Absent (null) only for the root unit. */
  parentId: unitIdSchema.nullable().optional(),
});
export type Unit = z.infer<typeof unitSchema>;
export const unitListResponseSchema = z.object({ items: z.array(unitSchema) });

const unitName = z.string().trim().min(1, "a unit needs a name").max(200);
/** POST /api/v1/units: `id` is generated when absent; `parentId` defaults to the root unit. */
export const unitCreateSchema = z.object({ id: unitIdSchema.optional(), name: unitName, parentId: unitIdSchema.optional() }).strict();
export type UnitCreate = z.infer<typeof unitCreateSchema>;
/** PATCH /api/v1/units/{id}: rename and/or move under another unit (never under itself or a unit below it). */
export const unitPatchSchema = z
  .object({ name: unitName.optional(), parentId: unitIdSchema.optional() })
  .strict()
  .refine((p) => p.name !== undefined || p.parentId !== undefined, "give name and/or parentId");
export type UnitPatch = z.infer<typeof unitPatchSchema>;
export const unitParamsSchema = z.object({ id: unitIdSchema });

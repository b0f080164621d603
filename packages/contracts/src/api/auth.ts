import { z } from "zod";
import { unitIdSchema } from "./units.js";

export const userRole = z.enum(["operator", "supervisor", "admin"]);
export type UserRole = z.infer<typeof userRole>;
/** Higher index = more rights; a role has every right of the roles before it. */
export const ROLE_ORDER: readonly UserRole[] = ["operator", "supervisor", "admin"];
export function roleAtLeast(role: UserRole, required: UserRole): boolean {
  return ROLE_ORDER.indexOf(role) >= ROLE_ORDER.indexOf(required);
}

export const loginBodySchema = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginBody = z.infer<typeof loginBodySchema>;

/** `unitId`: the user's police unit (they see it and the units below it); absent on old clients' copies: the root. */
export const publicUserSchema = z.object({ username: z.string(), role: userRole, unitId: unitIdSchema.optional() });
export type PublicUser = z.infer<typeof publicUserSchema>;

export const loginResponseSchema = z.object({
  token: z.string(),
  user: publicUserSchema,
  csrfToken: z.string().optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type LoginResponse = z.infer<typeof loginResponseSchema>;

export const meResponseSchema = z.object({ user: publicUserSchema, csrfToken: z.string().optional() });
export type MeResponse = z.infer<typeof meResponseSchema>;

export const createUserBodySchema = z.object({
  username: z.string().min(3).max(64).regex(/^[a-z0-9._-]+$/i),
  password: z.string().min(10).max(256),
  role: userRole,
  /** Absent: the root unit. */
  unitId: unitIdSchema.optional(),
});
export type CreateUserBody = z.infer<typeof createUserBodySchema>;

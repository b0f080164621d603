import { roleAtLeast, type UserRole } from "@vigil/contracts";

export interface AccountChange {
  role?: UserRole;
  disabled?: boolean;
  /** A password reset (only whether there is one matters here). */
  passwordReset?: boolean;
  /** Another police unit (a different scope). */
  unitId?: string;
}

export interface AccountState {
  username: string;
  role: UserRole;
  disabled: boolean;
  unitId?: string;
}

export type AccountRefusal = { code: "own_account" | "last_admin"; message: string };

/** True when the change leaves `target` without admin rights it had (demoted or disabled). */
function removesAdmin(target: AccountState, change: AccountChange): boolean {
  const wasActiveAdmin = target.role === "admin" && !target.disabled;
  const staysActiveAdmin = (change.role ?? target.role) === "admin" && !(change.disabled ?? target.disabled);
  return wasActiveAdmin && !staysActiveAdmin;
}

/**
 * Whether `actor` may apply `change` to `target`, given the usernames of the active (enabled) admins.
 * An admin cannot lock themselves out (disable or demote their own account: another admin must), and
 * nobody can remove the last active admin — the system would then have no one to manage it.
 */
export function accountChangeRefusal(actor: string, target: AccountState, change: AccountChange, activeAdmins: readonly string[]): AccountRefusal | null {
  const own = actor.toLowerCase() === target.username.toLowerCase();
  if (own && (change.disabled === true || (change.role !== undefined && !roleAtLeast(change.role, target.role)))) {
    return { code: "own_account", message: "you cannot disable or demote your own account; ask another admin" };
  }
  if (removesAdmin(target, change) && activeAdmins.filter((a) => a !== target.username).length === 0) {
    return { code: "last_admin", message: `"${target.username}" is the last active admin; make another user admin first` };
  }
  return null;
}

/**
 * Whether the change must end the user's sessions: disabled, new password, fewer rights or another unit
 * (their open sockets hold the old role's and the old unit's rooms).
 */
export function changeEndsSessions(target: AccountState, change: AccountChange): boolean {
  return (
    change.disabled === true ||
    change.passwordReset === true ||
    (change.role !== undefined && !roleAtLeast(change.role, target.role)) ||
    (change.unitId !== undefined && change.unitId !== target.unitId)
  );
}

import { describe, expect, it } from "vitest";
import { accountChangeRefusal, changeEndsSessions, type AccountState } from "./account-rules.js";

const admin = (username: string, disabled = false): AccountState => ({ username, role: "admin", disabled });
const operator: AccountState = { username: "op1", role: "operator", disabled: false };

describe("account changes: no self-lockout, never without an admin", () => {
  it("lets an admin change other users freely while another admin remains", () => {
    expect(accountChangeRefusal("admin", operator, { disabled: true }, ["admin"])).toBeNull();
    expect(accountChangeRefusal("admin", operator, { role: "supervisor" }, ["admin"])).toBeNull();
    expect(accountChangeRefusal("admin", admin("chief"), { role: "operator" }, ["admin", "chief"])).toBeNull();
    expect(accountChangeRefusal("admin", admin("chief"), { disabled: true }, ["admin", "chief"])).toBeNull();
  });

  it("refuses disabling or demoting one's own account, whatever the letter case", () => {
    expect(accountChangeRefusal("admin", admin("admin"), { disabled: true }, ["admin", "chief"])?.code).toBe("own_account");
    expect(accountChangeRefusal("ADMIN", admin("admin"), { role: "supervisor" }, ["admin", "chief"])?.code).toBe("own_account");
    expect(accountChangeRefusal("admin", admin("admin"), { role: "admin", passwordReset: true }, ["admin"])).toBeNull();
    expect(accountChangeRefusal("admin", admin("admin"), { disabled: false }, ["admin"])).toBeNull();
  });

  it("refuses removing the last active admin, by demotion or by disabling", () => {
    // An admin acting through a session whose account is not counted (e.g. just demoted elsewhere).
    const last = accountChangeRefusal("someone", admin("admin"), { disabled: true }, ["admin"]);
    expect(last?.code).toBe("last_admin");
    expect(last?.message).toMatch(/last active admin/);
    expect(accountChangeRefusal("someone", admin("admin"), { role: "operator" }, ["admin"])?.code).toBe("last_admin");
    // A disabled admin is not counted: the other one is the last.
    expect(accountChangeRefusal("someone", admin("chief"), { disabled: true }, ["chief"])?.code).toBe("last_admin");
  });

  it("lets a disabled admin be changed: they were not an active admin", () => {
    expect(accountChangeRefusal("admin", admin("old", true), { role: "operator" }, ["admin"])).toBeNull();
    expect(accountChangeRefusal("admin", admin("old", true), { disabled: false }, ["admin"])).toBeNull();
  });

  it("ends sessions on disable, password reset and demotion, not on enable or promotion", () => {
    expect(changeEndsSessions(operator, { disabled: true })).toBe(true);
    expect(changeEndsSessions(operator, { passwordReset: true })).toBe(true);
    expect(changeEndsSessions(admin("chief"), { role: "supervisor" })).toBe(true);
    expect(changeEndsSessions(operator, { role: "supervisor" })).toBe(false);
    expect(changeEndsSessions(operator, { disabled: false })).toBe(false);
  });

  it("ends sessions when the user moves to another unit (their sockets hold the old unit's rooms), not when it stays", () => {
    const inDistrict = { ...operator, unitId: "huyen-a" };
    expect(changeEndsSessions(inDistrict, { unitId: "huyen-b" })).toBe(true);
    expect(changeEndsSessions(inDistrict, { unitId: "huyen-a" })).toBe(false);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, api, login, startAlertsHarness, type AlertsHarness } from "./alerts-harness.js";

// Issue 15, findings 6 and 9, against the real alert service on PostgreSQL: a per-account limit on
// failed logins (whatever the address), and sessions that end when unused.
let h: AlertsHarness;
let admin = "";

beforeAll(async () => {
  h = await startAlertsHarness("logins", { loginFailuresPerHour: 8, loginRateLimitPerMin: 1_000, sessionIdleMs: 2_000 });
  admin = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
  expect((await api(h.base, "POST", "/api/v1/users", { token: admin, body: { username: "duty1", password: "Trực-ca-đêm-2026", role: "operator" } })).status).toBe(201);
});

afterAll(async () => {
  await h?.close();
});

describe("per-account failed-login limit (finding 6)", () => {
  it("locks an account after its limit of failures in an hour, even for the right password, audits it once, and leaves other accounts alone", async () => {
    const attempt = (password: string) => api(h.base, "POST", "/api/v1/auth/login", { body: { username: "DUTY1", password } });
    const started = Date.now();
    for (let i = 0; i < 8; i++) expect((await attempt(`wrong-guess-${i}`)).status).toBe(401);
    // Failures 6–8 waited 250 ms each before their check (progressive delay).
    expect(Date.now() - started).toBeGreaterThan(700);
    const locked = await attempt("Trực-ca-đêm-2026");
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ error: "account_locked" });
    // (A fresh admin session: this harness ends sessions unused for 2 s.)
    admin = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
    const audit = await api(h.base, "GET", "/api/v1/audit?action=auth.account_locked", { token: admin });
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ username: "DUTY1", details: { failuresLastHour: 8 } });
    // Another account still logs in.
    expect((await api(h.base, "POST", "/api/v1/auth/login", { body: { username: "admin", password: ADMIN_PASSWORD } })).status).toBe(200);
  });
});

describe("idle timeout (finding 9)", () => {
  it("ends a session left unused for the idle time, and keeps one that is in use", async () => {
    const idle = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
    const busy = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 600));
      expect((await api(h.base, "GET", "/api/v1/me", { token: busy })).status).toBe(200);
    }
    // 3.6 s have passed: the unused one (idle limit 2 s) is gone, the used one is not.
    expect((await api(h.base, "GET", "/api/v1/me", { token: idle })).status).toBe(401);
    expect((await api(h.base, "GET", "/api/v1/me", { token: busy })).status).toBe(200);
  });
});

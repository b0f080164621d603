import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashLoad } from "../services/alerts/src/auth/passwords.js";
import { ADMIN_PASSWORD, api, login, startAlertsHarness, type AlertsHarness } from "./alerts-harness.js";

// Issue 15, findings 6 and 9, against the real alert service on PostgreSQL: a per-account limit on
// failed logins (whatever the address), and sessions that end when unused.
let h: AlertsHarness;
let admin = "";

beforeAll(async () => {
  // A console directory, so `GET /` is a real static file read (it shares libuv's pool with scrypt).
  const consoleDir = mkdtempSync(join(tmpdir(), "vigil-console-"));
  writeFileSync(join(consoleDir, "index.html"), `<!doctype html><title>Vigil</title>${"<p>x</p>".repeat(5_000)}`);
  h = await startAlertsHarness("logins", { loginFailuresPerHour: 8, loginRateLimitPerMin: 1_000, sessionIdleMs: 2_000, consoleDir });
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

  it("tells administrators with a system alert, which operators do not see; guesses at made-up names raise none", async () => {
    admin = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
    const system = await api(h.base, "GET", "/api/v1/alerts?type=system", { token: admin });
    expect(system.body.items).toHaveLength(1);
    expect(system.body.items[0]).toMatchObject({ type: "system", systemCode: "account_locked", subject: "DUTY1", severity: "high", state: "new" });
    const id = system.body.items[0].id as string;

    expect((await api(h.base, "POST", "/api/v1/users", { token: admin, body: { username: "watch2", password: "Ca-sáng-2026-Bến", role: "operator" } })).status).toBe(201);
    const operator = (await login(h.base, "watch2", "Ca-sáng-2026-Bến")).token;
    expect((await api(h.base, "GET", "/api/v1/alerts", { token: operator })).body.items.some((a: { type: string }) => a.type === "system")).toBe(false);
    expect((await api(h.base, "GET", `/api/v1/alerts/${id}`, { token: operator })).status).toBe(404);
    expect((await api(h.base, "POST", `/api/v1/alerts/${id}/ack`, { token: operator, body: {} })).status).toBe(404);

    // 8 wrong guesses at an account that does not exist: locked in the audit, but no alert for it.
    for (let i = 0; i < 8; i++) expect((await api(h.base, "POST", "/api/v1/auth/login", { body: { username: "nobody-here", password: `g${i}` } })).status).toBe(401);
    expect((await api(h.base, "POST", "/api/v1/auth/login", { body: { username: "nobody-here", password: "g" } })).status).toBe(429);
    admin = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
    expect((await api(h.base, "GET", "/api/v1/alerts?type=system", { token: admin })).body.items).toHaveLength(1);
  });

  it("holds the limit against guesses sent side by side: exactly 8 password checks, the rest locked, one lock in the audit", async () => {
    admin = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
    expect((await api(h.base, "POST", "/api/v1/users", { token: admin, body: { username: "duty3", password: "Ca-chiều-2026-Huế", role: "operator" } })).status).toBe(201);
    // 30 at once, as a distributed guess would come (before: each read the same count of 0 and all 30 were checked).
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => api(h.base, "POST", "/api/v1/auth/login", { body: { username: i % 2 ? "duty3" : "Duty3", password: `parallel-${i}` } })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(8);
    expect(statuses.filter((s) => s === 429)).toHaveLength(22);
    admin = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
    const failed = await api(h.base, "GET", "/api/v1/audit?action=auth.login_failed&limit=200", { token: admin });
    expect(failed.body.items.filter((r: { username: string }) => r.username.toLowerCase() === "duty3")).toHaveLength(8);
    const locks = await api(h.base, "GET", "/api/v1/audit?action=auth.account_locked", { token: admin });
    expect(locks.body.items.filter((r: { username: string }) => r.username.toLowerCase() === "duty3")).toHaveLength(1);
    const system = await api(h.base, "GET", "/api/v1/alerts?type=system", { token: admin });
    expect(system.body.items.filter((a: { subject: string }) => a.subject.toLowerCase() === "duty3")).toHaveLength(1);
  });
});

describe("a flood of logins under made-up usernames (finding 6)", () => {
  it("does not queue real logins behind it or slow the console's pages", async () => {
    const timed = async <T>(fn: () => Promise<T>) => {
      const t0 = performance.now();
      const value = await fn();
      return { value, ms: performance.now() - t0 };
    };
    const quiet = await timed(() => api(h.base, "POST", "/api/v1/auth/login", { body: { username: "admin", password: ADMIN_PASSWORD } }));
    expect(quiet.value.status).toBe(200);

    let peakHashes = 0;
    const sampler = setInterval(() => (peakHashes = Math.max(peakHashes, hashLoad().running + hashLoad().waiting)), 5);
    const flood = Promise.all(Array.from({ length: 40 }, (_, i) => api(h.base, "POST", "/api/v1/auth/login", { body: { username: `made-up-${i}-${Date.now()}`, password: "guess-123456" } })));
    await new Promise((r) => setTimeout(r, 20));
    const page = await timed(() => fetch(`${h.base}/`).then(async (r) => ({ status: r.status, text: await r.text() })));
    const real = await timed(() => api(h.base, "POST", "/api/v1/auth/login", { body: { username: "admin", password: ADMIN_PASSWORD } }));
    const answers = await flood;
    clearInterval(sampler);

    expect(answers.every((a) => a.status === 401)).toBe(true);
    expect(page.value.status).toBe(200);
    expect(real.value.status).toBe(200);
    // Made-up names cost no hash: only the real login's own check used a slot (before: 40 queued).
    expect(peakHashes).toBeLessThanOrEqual(1);
    // Measured before the fix: GET / 6 s, a real login 4 s behind 40 made-up logins.
    expect(page.ms).toBeLessThan(1_000);
    // (The flood's 40 requests still each read and write the audit, so the real login is not free.)
    expect(real.ms).toBeLessThan(quiet.ms + 2_500);
    console.log(`login flood: GET / ${page.ms.toFixed(0)} ms, real login ${real.ms.toFixed(0)} ms (quiet ${quiet.ms.toFixed(0)} ms), peak hashes ${peakHashes}`);
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

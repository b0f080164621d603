import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, api, login, plateEvent, startAlertsHarness, waitUntil, type AlertsHarness } from "./alerts-harness.js";
import { connectTestMqtt } from "./support/mqtt.js";

// Issue 15, findings 7, 9 and part of 10, against the real alert service on PostgreSQL: a purpose
// for every look-up of a person's movements, no caching of personal data, no database text in errors.
let h: AlertsHarness;
let operator = "";
let admin = "";

beforeAll(async () => {
  h = await startAlertsHarness("lookups");
  admin = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
  expect((await api(h.base, "POST", "/api/v1/users", { token: admin, body: { username: "op1", password: "operator-password-1", role: "operator" } })).status).toBe(201);
  operator = (await login(h.base, "op1", "operator-password-1")).token;
});

afterAll(async () => {
  await h?.close();
});

describe("purpose on every look-up (finding 7)", () => {
  it("refuses a vehicle track without a reason, or with a reason of spaces, and audits the one with a reason", async () => {
    expect((await api(h.base, "GET", "/api/v1/plates/51F12345/track", { token: operator })).status).toBe(400);
    expect((await api(h.base, "GET", "/api/v1/plates/51F12345/track?reason=%20%20%20", { token: operator })).status).toBe(400);
    expect((await api(h.base, "GET", "/api/v1/plates/51F12345/track?reason=ab", { token: operator })).status).toBe(400);
    const ok = await api(h.base, "GET", "/api/v1/plates/51F12345/track?reason=%20%20CV%2012%2F2026%20", { token: operator });
    expect(ok.status).toBe(200);
    const audit = await api(h.base, "GET", "/api/v1/audit?action=plates.track&username=op1", { token: admin });
    expect(audit.body.items[0].details).toMatchObject({ reason: "CV 12/2026" }); // trimmed
  });

  it("refuses a plate search whose reason is only spaces", async () => {
    const res = await api(h.base, "GET", "/api/v1/plates?q=51F12345&reason=%20%20%20", { token: operator });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/reason/);
  });
});

describe("no caching of personal data (finding 9)", () => {
  it("sends Cache-Control: no-store on API data and private (never public) on evidence media", async () => {
    const plates = await api(h.base, "GET", "/api/v1/plates?q=51F12345&reason=case%2042", { token: operator });
    expect(plates.status).toBe(200);
    expect(plates.headers.get("cache-control")).toBe("no-store");
    expect((await api(h.base, "GET", "/api/v1/alerts", { token: operator })).headers.get("cache-control")).toBe("no-store");
    mkdirSync(join(h.config.mediaDir, "cam-1", "2026-12-03"), { recursive: true });
    writeFileSync(join(h.config.mediaDir, "cam-1", "2026-12-03", "a.jpg"), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    const media = await fetch(`${h.base}/media/cam-1/2026-12-03/a.jpg`, { headers: { authorization: `Bearer ${operator}` } });
    expect(media.status).toBe(200);
    expect(media.headers.get("cache-control")).toBe("private, max-age=3600");
  });
});

describe("generic error bodies (finding 10)", () => {
  it("answers a value the database cannot store with a 400 that does not echo PostgreSQL's text", async () => {
    // A NUL byte passes the schema (a string) but PostgreSQL text cannot hold it (SQLSTATE 22021).
    const res = await api(h.base, "POST", "/api/v1/watchlist", { token: admin, body: { plate: "51F-123.45", reason: "stolen\u0000car", priority: "high" } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toMatch(/0x00|invalid byte sequence|UTF8|encoding/i);
  });
});

describe("browsing plate history by camera and time, without a plate (issue 16, item 7)", () => {
  it("lists every read of a camera inside a time window, needs the window, and audits the reason", async () => {
    const mqtt = await connectTestMqtt();
    const t0 = Date.now() - 60 * 60_000;
    const reads = [
      plateEvent({ cameraId: "gate-a", plate: "51F12345", ts: new Date(t0 + 60_000).toISOString() }),
      plateEvent({ cameraId: "gate-a", plate: "30A99999", ts: new Date(t0 + 120_000).toISOString() }),
      plateEvent({ cameraId: "gate-b", plate: "29A10150", ts: new Date(t0 + 90_000).toISOString() }),
      plateEvent({ cameraId: "gate-a", plate: "43A10199", ts: new Date(t0 + 40 * 60_000).toISOString() }), // outside the window
    ];
    for (const r of reads) await mqtt.publishAsync(`${h.prefix}/events/plate`, JSON.stringify(r), { qos: 1 });
    await mqtt.endAsync();
    await waitUntil(async () => Number((await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM plate_reads")).rows[0]!.n) >= 4, 10_000, "4 reads stored");
    const window = `from=${encodeURIComponent(new Date(t0).toISOString())}&to=${encodeURIComponent(new Date(t0 + 10 * 60_000).toISOString())}`;
    const res = await api(h.base, "GET", `/api/v1/plates?cameraId=gate-a&${window}&reason=CV%2099%2F2026`, { token: operator });
    expect(res.status).toBe(200);
    expect(res.body.items.map((r: { plate: string }) => r.plate)).toEqual(["30A99999", "51F12345"]); // newest first, gate-a only
    const all = await api(h.base, "GET", `/api/v1/plates?${window}&reason=CV%2099%2F2026`, { token: operator });
    expect(all.body.items.map((r: { plate: string }) => r.plate)).toEqual(["30A99999", "29A10150", "51F12345"]);
    // A window is required without a plate, and it is bounded.
    expect((await api(h.base, "GET", "/api/v1/plates?cameraId=gate-a&reason=CV%2099", { token: operator })).status).toBe(400);
    const tooLong = `from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z`;
    expect((await api(h.base, "GET", `/api/v1/plates?${tooLong}&reason=CV%2099`, { token: operator })).status).toBe(400);
    const audit = await api(h.base, "GET", "/api/v1/audit?action=plates.search&username=op1", { token: admin });
    expect(audit.body.items.some((e: { details?: { reason?: string; cameraId?: string } }) => e.details?.reason === "CV 99/2026" && e.details?.cameraId === "gate-a")).toBe(true);
  });
});


import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import sharp from "sharp";
import type { Alert } from "@vigil/contracts";
import { ADMIN_PASSWORD, api, login, startAlertsHarness, waitUntil, type AlertsHarness, METRICS_TOKEN } from "./alerts-harness.js";
import { connectTestMqtt } from "./support/mqtt.js";

// The operator closes the loop: resolve reasons, false-alarm frames kept as hard negatives for the
// fire model, and "possible smoke" alerts — against the real PostgreSQL and Mosquitto.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
let h: AlertsHarness;
let mqtt: MqttClient;
let admin: string;
let supervisor: string;

const publishFire = (body: Record<string, unknown>) => mqtt.publishAsync(`${h.prefix}/events/fire`, JSON.stringify(body), { qos: 1 });
const fireEvent = (over: Record<string, unknown> = {}) => ({
  schemaVersion: 1, id: crypto.randomUUID(), cameraId: "cam-1", ts: new Date().toISOString(), kind: "fire", confidence: 0.9,
  boxes: [{ bbox: [0.25, 0.3, 0.2, 0.35], confidence: 0.9 }], confirmedFrames: 3, ...over,
});
const alertFor = async (eventId: string): Promise<Alert> => {
  let found: Alert | undefined;
  await waitUntil(async () => {
    found = (await api<{ items: Alert[] }>(h.base, "GET", "/api/v1/alerts?limit=500", { token: admin })).body.items.find((a) => a.eventId === eventId);
    return Boolean(found);
  }, 10_000, `the alert for event ${eventId}`);
  return found!;
};
const indexLines = () => {
  const file = join(h.config.fireFeedbackDir, "index.jsonl");
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) : [];
};

/** A real JPEG evidence frame: a gradient with an orange blob, so a pixel comparison means something. */
async function writeSnapshot(rel: string): Promise<Buffer> {
  const full = join(h.config.mediaDir, rel);
  mkdirSync(dirname(full), { recursive: true });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="180"><defs><linearGradient id="g"><stop offset="0" stop-color="#223"/><stop offset="1" stop-color="#889"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/><circle cx="120" cy="100" r="30" fill="#f80"/></svg>`;
  await sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toFile(full);
  return readFileSync(full);
}

beforeAll(async () => {
  h = await startAlertsHarness("feedback", { alertCooldownMs: 300_000 });
  mqtt = await connectTestMqtt();
  admin = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
  await api(h.base, "POST", "/api/v1/users", { token: admin, body: { username: "sup", password: "fire-desk-secret-1", role: "supervisor" } });
  supervisor = (await login(h.base, "sup", "fire-desk-secret-1")).token;
});

afterAll(async () => {
  await mqtt?.endAsync();
  await h?.close();
});

describe("resolving with a reason", () => {
  it("a fire false alarm keeps its frame and boxes as a hard negative; the reason is stored, returned and audited", async () => {
    const original = await writeSnapshot("fire/cam-1/evt-1.jpg");
    const event = fireEvent({ snapshot: "/media/fire/cam-1/evt-1.jpg" });
    await publishFire(event);
    const alert = await alertFor(event.id);
    expect(alert).toMatchObject({ type: "fire", severity: "critical", boxes: event.boxes });

    const res = await api<Alert>(h.base, "POST", `/api/v1/alerts/${alert.id}/resolve`, { token: supervisor, body: { reason: "false_alarm", note: "đèn hậu xe tải phản chiếu" } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: "resolved", resolveReason: "false_alarm", note: "đèn hậu xe tải phản chiếu", updatedBy: "sup" });
    const detail = await api<{ alert: Alert }>(h.base, "GET", `/api/v1/alerts/${alert.id}`, { token: admin });
    expect(detail.body.alert).toMatchObject({ resolveReason: "false_alarm", boxes: event.boxes });
    const audit = await api<{ items: { target: string; details: Record<string, unknown> }[] }>(h.base, "GET", "/api/v1/audit?action=alert.resolve", { token: admin });
    expect(audit.body.items.find((e) => e.target === alert.id)?.details).toEqual({ reason: "false_alarm", note: "đèn hậu xe tải phản chiếu" });

    // The copy: same bytes, and decoded the same image (what the trainer will read).
    const copied = join(h.config.fireFeedbackDir, "cam-1", `${alert.id}.jpg`);
    expect(readFileSync(copied).equals(original)).toBe(true);
    const [a, b] = await Promise.all([sharp(original).raw().toBuffer({ resolveWithObject: true }), sharp(copied).raw().toBuffer({ resolveWithObject: true })]);
    expect({ width: b.info.width, height: b.info.height, channels: b.info.channels }).toEqual({ width: 320, height: 180, channels: 3 });
    expect(b.data.equals(a.data)).toBe(true);

    expect(indexLines()).toEqual([
      {
        alertId: alert.id,
        cameraId: "cam-1",
        kind: "fire",
        ts: new Date(event.ts).toISOString(),
        resolvedAt: res.body.updatedAt,
        resolvedBy: "sup",
        note: "đèn hậu xe tải phản chiếu",
        file: `cam-1/${alert.id}.jpg`,
        boxes: event.boxes,
      },
    ]);
    const metrics = await api<string>(h.base, "GET", "/metrics", { token: METRICS_TOKEN });
    expect(metrics.body).toMatch(/vigil_alerts_fire_feedback_total\{outcome="saved"\} 1/);
  });

  it("a true hit, and an old client's note-only resolve (reason other), keep nothing", async () => {
    const hit = fireEvent({ cameraId: "cam-2", snapshot: "/media/fire/cam-2/evt.jpg" });
    await writeSnapshot("fire/cam-2/evt.jpg");
    const old = fireEvent({ cameraId: "cam-3", kind: "smoke", snapshot: "/media/fire/cam-2/evt.jpg" });
    await publishFire(hit);
    await publishFire(old);
    const [hitAlert, oldAlert] = [await alertFor(hit.id), await alertFor(old.id)];
    const r1 = await api<Alert>(h.base, "POST", `/api/v1/alerts/${hitAlert.id}/resolve`, { token: supervisor, body: { reason: "true_hit", note: "đội PCCC đã dập lửa" } });
    expect(r1.body.resolveReason).toBe("true_hit");
    const r2 = await api<Alert>(h.base, "POST", `/api/v1/alerts/${oldAlert.id}/resolve`, { token: supervisor, body: { note: "checked" } });
    expect(r2).toMatchObject({ status: 200, body: { resolveReason: "other" } });
    expect((await api(h.base, "POST", `/api/v1/alerts/${crypto.randomUUID()}/resolve`, { token: supervisor, body: { reason: "oops", note: "x" } })).status).toBe(400);
    expect(indexLines()).toHaveLength(1);
    expect(readdirSync(h.config.fireFeedbackDir).sort()).toEqual(["cam-1", "index.jsonl"]);
  });

  it("a false alarm whose snapshot is gone still resolves; it is counted, not stored", async () => {
    const event = fireEvent({ cameraId: "cam-4", kind: "smoke", snapshot: "/media/fire/cam-4/never-written.jpg" });
    await publishFire(event);
    const alert = await alertFor(event.id);
    const res = await api<Alert>(h.base, "POST", `/api/v1/alerts/${alert.id}/resolve`, { token: supervisor, body: { reason: "false_alarm", note: "mây" } });
    expect(res).toMatchObject({ status: 200, body: { state: "resolved", resolveReason: "false_alarm" } });
    expect(indexLines()).toHaveLength(1);
    expect((await api<string>(h.base, "GET", "/metrics", { token: METRICS_TOKEN })).body).toMatch(/vigil_alerts_fire_feedback_total\{outcome="missing_snapshot"\} 1/);
  });

  it("npm run fire:feedback lists the stored sample from FIRE_FEEDBACK_DIR", async () => {
    const { stdout } = await promisify(execFile)("npm", ["run", "-s", "fire:feedback"], { cwd: ROOT, env: { ...process.env, FIRE_FEEDBACK_DIR: h.config.fireFeedbackDir } });
    const id = indexLines()[0]!["alertId"] as string;
    expect(stdout).toContain(`Fire feedback in ${h.config.fireFeedbackDir}: 1 hard negative`);
    expect(stdout).toMatch(/camera\s+fire\s+smoke\s+total\ncam-1\s+1\s+0\s+1/);
    expect(stdout).toMatch(new RegExp(`\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ  cam-1 +fire +cam-1/${id}\\.jpg  “đèn hậu xe tải phản chiếu”`));
  });
});

describe("possible smoke", () => {
  it("raises a low alert marked possible; the confirming revision upgrades it and clears the mark", async () => {
    const event = fireEvent({ cameraId: "cam-5", kind: "smoke", confidence: 0.7, possible: true, revision: 0 });
    await publishFire(event);
    const alert = await alertFor(event.id);
    expect(alert).toMatchObject({ type: "smoke", severity: "low", possible: true, state: "new" });
    await publishFire({ ...event, revision: 1, possible: false, confirmedFrames: 12 });
    await waitUntil(async () => (await api<{ alert: Alert }>(h.base, "GET", `/api/v1/alerts/${alert.id}`, { token: admin })).body.alert.severity === "high", 10_000, "the upgrade");
    const detail = await api<{ alert: Alert }>(h.base, "GET", `/api/v1/alerts/${alert.id}`, { token: admin });
    expect(detail.body.alert).toMatchObject({ id: alert.id, severity: "high", possible: false });
    const rows = (await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM alerts WHERE camera_id = 'cam-5'")).rows;
    expect(rows[0]!.n).toBe(1);
  });
});

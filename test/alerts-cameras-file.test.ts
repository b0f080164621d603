import { mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { stringify } from "yaml";
import { loadCamerasFile } from "@vigil/contracts/node";
import { ADMIN_PASSWORD, api, login, METRICS_TOKEN, startAlertsHarness, waitUntil, type AlertsHarness } from "./alerts-harness.js";
import { collectMessages, connectTestMqtt } from "./support/mqtt.js";

// CAMERAS_FILE edited while the alert service runs (issue 16): real PostgreSQL and Mosquitto, the real
// directory watch. The file's cameras follow the file; the API-created camera stays.
const dir = mkdtempSync(join(tmpdir(), "vigil-cameras-file-"));
const file = join(dir, "cameras.yaml");
const cam = (id: string, url: string) => ({ id, name: `Cổng ${id}`, url, lat: 10.77, lon: 106.7, analytics: ["plates"] });

/** As editors save: a temporary file renamed over the original (a new inode: a watch on the file alone would miss it). */
function save(text: string): void {
  const tmp = join(dir, `.cameras.yaml.${process.hrtime.bigint()}.swp`);
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

let h: AlertsHarness;
let mqtt: MqttClient;
let token = "";

type Listed = { id: string; name: string; url: string }[];
const listed = async (): Promise<Listed> => (await api<{ items: Listed }>(h.base, "GET", "/api/v1/cameras", { token })).body.items;
const ids = (l: { id: string }[]) => l.map((c) => c.id).sort();
const reloads = async (result: string): Promise<number> => {
  const text = (await api<string>(h.base, "GET", "/metrics", { token: METRICS_TOKEN })).body;
  return Number(new RegExp(`vigil_alerts_cameras_file_reloads_total\\{result="${result}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
};

beforeAll(async () => {
  save(stringify({ cameras: [cam("gate-1", "rtsp://10.0.0.1/one"), cam("gate-2", "rtsp://10.0.0.2/two")] }));
  h = await startAlertsHarness("camfile", {}, { cameras: await loadCamerasFile(file), camerasFile: file });
  mqtt = await connectTestMqtt();
  token = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
  const created = await api(h.base, "POST", "/api/v1/cameras", { token, body: cam("api-1", "rtsp://10.0.0.9/api") });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await mqtt?.endAsync();
  await h?.close();
});

describe("the cameras file edited while running", () => {
  it("applies a changed URL, a removed and an added camera within 2 s, keeps the API camera, and re-publishes the retained list", async () => {
    expect(ids(await listed())).toEqual(["api-1", "gate-1", "gate-2"]);
    const started = Date.now();
    save(stringify({ cameras: [cam("gate-1", "rtsp://10.0.0.1/moved"), cam("gate-3", "rtsp://10.0.0.3/three")] }));
    await waitUntil(async () => ids(await listed()).join() === "api-1,gate-1,gate-3", 5_000, "the edited file's cameras");
    const tookMs = Date.now() - started;
    expect(tookMs).toBeLessThan(2_000);
    const list = await listed();
    expect(list.find((c) => c.id === "gate-1")?.url).toBe("rtsp://10.0.0.1/moved");
    expect(await reloads("applied")).toBe(1);

    // A client connecting now gets the retained message, carrying the edit.
    const subscriber = await connectTestMqtt();
    try {
      const cfg = await collectMessages(subscriber, `${h.prefix}/config/cameras`);
      await cfg.waitFor((m) => m.some((x) => x.retain), 5_000);
      const retained = JSON.parse(cfg.messages.find((x) => x.retain)!.payload.toString()) as { cameras: { id: string; url: string }[] };
      expect(ids(retained.cameras)).toEqual(["api-1", "gate-1", "gate-3"]);
      expect(retained.cameras.find((c) => c.id === "gate-1")?.url).toBe("rtsp://10.0.0.1/moved");
    } finally {
      await subscriber.endAsync();
    }
  });

  it("keeps the running cameras on an invalid edit and counts it", async () => {
    const before = await listed();
    save("cameras:\n  - id: gate-1\n    url: [unclosed\n");
    await waitUntil(async () => (await reloads("invalid")) === 1, 5_000, "the invalid edit to be counted");
    save(stringify({ cameras: [{ ...cam("gate-1", "rtsp://10.0.0.1/moved"), lat: 200 }] }));
    await waitUntil(async () => (await reloads("invalid")) === 2, 5_000, "the out-of-range edit to be counted");
    expect(await listed()).toEqual(before);
    expect(await reloads("applied")).toBe(1);
  });

  it("lets the file win over an API edit of one of its cameras", async () => {
    expect((await api(h.base, "PATCH", "/api/v1/cameras/gate-3", { token, body: { name: "renamed in the console" } })).status).toBe(200);
    save(stringify({ cameras: [cam("gate-1", "rtsp://10.0.0.1/moved"), cam("gate-3", "rtsp://10.0.0.3/three-b")] }));
    await waitUntil(async () => (await listed()).find((c) => c.id === "gate-3")?.url === "rtsp://10.0.0.3/three-b", 5_000, "the file's gate-3");
    expect((await listed()).find((c) => c.id === "gate-3")?.name).toBe("Cổng gate-3");
    expect(ids(await listed())).toEqual(["api-1", "gate-1", "gate-3"]);
  });
});

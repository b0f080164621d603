import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CameraConfig } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { createPgDatabase, startAlerts, type Database } from "@vigil/alerts";
import { ADMIN_PASSWORD, api, login, startAlertsHarness, testAlertsConfig, TEST_CAMERA_SECRETS_KEY, waitUntil, type AlertsHarness } from "./alerts-harness.js";
import { collectMessages, connectTestMqtt, TEST_MQTT_URL, uniqueTopicPrefix } from "./support/mqtt.js";
import { getFreePort } from "./support/ports.js";
import { createTestDatabase, type TestDatabase } from "./support/postgres.js";

// Issue 15, finding 3: camera passwords were on the bus (the retained camera list) and in plain text
// in the database. An outsider subscribed to everything under the prefix must never see one; the
// row must hold it only encrypted; standalone ingest must still start the camera with it (fetched
// over the alert service's token-authenticated internal route).
const REPO = path.resolve(import.meta.dirname, "..");
const TOKEN = randomBytes(24).toString("hex");
const PASSWORD = "Xq7-s3cret-Pw";
const PASSWORD_2 = "Zr9-n3w-Pw";
const URL_1 = `rtsp://camadmin:${PASSWORD}@127.0.0.1:9/cam1`;
const URL_2 = `rtsp://camadmin:${PASSWORD_2}@127.0.0.1:9/cam1b`;

let h: AlertsHarness;
let outsider: MqttClient;
let everything: Awaited<ReturnType<typeof collectMessages>>;
let admin: string;
let ingest: ChildProcess | null = null;
let ingestOut = "";
let ffmpegLog: string;
const hooked: CameraConfig[][] = [];

/** Records every command line ingest runs, then fails the way ffmpeg does on a bad login (printing the URL). */
function fakeFfmpeg(): { bin: string; log: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "vigil-fake-ffmpeg-"));
  const bin = path.join(dir, "ffmpeg");
  const log = path.join(dir, "calls.log");
  writeFileSync(bin, [
    "#!/bin/sh",
    `printf '%s\\n' "$*" >> '${log}'`,
    'prev=""; url=""; for a in "$@"; do [ "$prev" = "-i" ] && url="$a"; prev="$a"; done',
    'echo "$url: Server returned 401 Unauthorized (authorization failed)" >&2',
    "exit 1",
    "",
  ].join("\n"));
  chmodSync(bin, 0o755);
  return { bin, log };
}
const ffmpegCalls = () => (existsSync(ffmpegLog) ? readFileSync(ffmpegLog, "utf8") : "");
const storedConfig = async (id: string) => (await h.db.query<{ config: string }>("SELECT config::text AS config FROM cameras WHERE id = $1", [id])).rows[0]?.config ?? "";

beforeAll(async () => {
  h = await startAlertsHarness("camsecrets", { ingestApiToken: TOKEN }, { onCamerasChanged: (list) => void hooked.push(list) });
  outsider = await connectTestMqtt();
  everything = await collectMessages(outsider, `${h.prefix}/#`);
  admin = (await login(h.base, "admin", ADMIN_PASSWORD)).token;

  const dir = mkdtempSync(path.join(tmpdir(), "vigil-camsecrets-"));
  const camerasFile = path.join(dir, "cameras.json");
  writeFileSync(camerasFile, "[]");
  const ffmpeg = fakeFfmpeg();
  ffmpegLog = ffmpeg.log;
  ingest = spawn(process.execPath, ["--import", "tsx", "services/ingest/src/main.ts"], {
    cwd: REPO,
    env: {
      ...process.env, CAMERAS_FILE: camerasFile, INGEST_PORT: String(await getFreePort()), INGEST_HOST: "127.0.0.1", MQTT_URL: TEST_MQTT_URL, MQTT_TOPIC_PREFIX: h.prefix,
      FFMPEG_PATH: ffmpeg.bin, ALERTS_URL: h.base, INGEST_API_TOKEN: TOKEN, LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  ingest.stdout!.on("data", (d: Buffer) => (ingestOut += d.toString()));
  ingest.stderr!.on("data", (d: Buffer) => (ingestOut += d.toString()));
  await waitUntil(() => ingestOut.includes("ingest started"), 30_000, "standalone ingest to start");
});

afterAll(async () => {
  if (ingest && ingest.exitCode === null) {
    const exited = new Promise((r) => ingest!.once("exit", r));
    ingest.kill("SIGTERM");
    await exited;
  }
  await outsider?.endAsync();
  await h?.close();
});

describe("camera credentials (issue 15, finding 3)", () => {
  it("never puts the password on the bus, stores it only encrypted, and ingest still starts the camera with it", async () => {
    const body = { id: "gate-1", name: "Gate 1", url: URL_1, lat: 10.77, lon: 106.7, analytics: ["plates"] };
    expect((await api(h.base, "POST", "/api/v1/cameras", { token: admin, body })).status).toBe(201);

    // Ingest fetched the full list and ran ffmpeg with the real URL.
    await waitUntil(() => ffmpegCalls().includes(URL_1), 20_000, `ffmpeg started with the credentials (${ingestOut.slice(-800)})`);
    // The retained list says the camera has credentials, without them.
    await everything.waitFor((m) => m.some((x) => x.topic === `${h.prefix}/config/cameras` && x.payload.toString().includes("gate-1")));
    const list = everything.messages.filter((m) => m.topic === `${h.prefix}/config/cameras`).at(-1)!;
    expect(JSON.parse(list.payload.toString()).cameras).toMatchObject([{ id: "gate-1", url: "rtsp://127.0.0.1:9/cam1", hasCredentials: true }]);
    // The camera's status (ffmpeg's error names the URL) reaches the bus too: redacted.
    await everything.waitFor((m) => m.some((x) => x.topic === `${h.prefix}/cameras/gate-1/status` && x.payload.toString().includes("401")), 20_000);

    // Edited: a new password and path reach ingest, and again only there.
    expect((await api(h.base, "PATCH", "/api/v1/cameras/gate-1", { token: admin, body: { url: URL_2, name: "Gate One" } })).status).toBe(200);
    await waitUntil(() => ffmpegCalls().includes(URL_2), 20_000, `ffmpeg restarted with the new credentials (${ingestOut.slice(-800)})`);
    await everything.waitFor((m) => m.some((x) => x.topic === `${h.prefix}/config/cameras` && x.payload.toString().includes("cam1b")));

    // In-process (npm start) the hook still hands ingest the real URL.
    expect(hooked.at(-1)!.find((c) => c.id === "gate-1")?.url).toBe(URL_2);

    // Nothing on any topic under the prefix, retained or not, held either password or the user-info.
    expect(everything.messages.length).toBeGreaterThan(2);
    for (const m of everything.messages) {
      const text = m.payload.toString();
      for (const secret of [PASSWORD, PASSWORD_2, "camadmin"]) expect(text, `${m.topic}: ${text.slice(0, 300)}`).not.toContain(secret);
    }
    // A new subscriber gets the retained list: clean too.
    const late = await connectTestMqtt();
    const retained = await collectMessages(late, `${h.prefix}/config/cameras`);
    await retained.waitFor((m) => m.length > 0);
    expect(retained.messages[0]!.payload.toString()).not.toContain(PASSWORD_2);
    await late.endAsync();

    // The database row: no password, no user name; the URL sealed beside a credential-free one.
    const row = await storedConfig("gate-1");
    for (const secret of [PASSWORD, PASSWORD_2, "camadmin"]) expect(row).not.toContain(secret);
    expect(JSON.parse(row)).toMatchObject({ url: "rtsp://127.0.0.1:9/cam1b", urlSealed: expect.stringMatching(/^v1:[0-9a-f]{8}:/) });
    // The API keeps showing the redacted URL; ingest never logged the password either.
    const view = await api(h.base, "GET", "/api/v1/cameras/gate-1", { token: admin });
    expect(view.body.url).toBe("rtsp://***:***@127.0.0.1:9/cam1b");
    expect(ingestOut).not.toContain(PASSWORD_2);
  });

  it("serves the full list only to the ingest token, and keeps the route out of the public OpenAPI", async () => {
    const path_ = "/api/v1/internal/cameras";
    expect((await api(h.base, "GET", path_)).status).toBe(401);
    expect((await api(h.base, "GET", path_, { token: admin })).status).toBe(401); // an admin session is not the service token
    expect((await api(h.base, "GET", path_, { token: `${TOKEN}x` })).status).toBe(401);
    const ok = await api<{ cameras: CameraConfig[] }>(h.base, "GET", path_, { token: TOKEN });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cache-control")).toBe("no-store");
    expect(ok.body.cameras.find((c) => c.id === "gate-1")?.url).toBe(URL_2);
    const spec = JSON.stringify(h.service.app.swagger());
    expect(spec).not.toContain("/internal/");
  });
});

describe("encryption at rest on start: plain rows, key rotation, a wrong key", () => {
  let testDb: TestDatabase;
  let db: Database;
  const logger = createLogger({ name: "t", level: "silent" });
  const start = (overrides: Parameters<typeof testAlertsConfig>[1]) => startAlerts({ config: testAlertsConfig(uniqueTopicPrefix("camkeys"), { ingestApiToken: TOKEN, ...overrides }), logger, db });
  const row = async () => JSON.parse((await db.query<{ config: string }>("SELECT config::text AS config FROM cameras WHERE id = 'legacy'")).rows[0]!.config) as { url: string; urlSealed?: string };

  beforeAll(async () => {
    testDb = await createTestDatabase("camkeys");
    db = createPgDatabase(testDb.url);
  });
  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it("encrypts a plain row on first start (idempotent), re-encrypts under a new key, and refuses a key that opens nothing", async () => {
    const first = await start({});
    await first.close();
    // A row as an earlier version wrote it: the password in plain text.
    const legacyUrl = `rtsp://old:${PASSWORD}@10.9.9.9/legacy`;
    await db.query("INSERT INTO cameras (id, config) VALUES ('legacy', $1)", [JSON.stringify({ id: "legacy", name: "Legacy", url: legacyUrl, lat: 10, lon: 106, analytics: ["plates"] })]);

    const second = await start({});
    const sealed = await row();
    expect(JSON.stringify(sealed)).not.toContain(PASSWORD);
    expect(sealed.url).toBe("rtsp://10.9.9.9/legacy");
    const fetched = await api<{ cameras: CameraConfig[] }>(second.url, "GET", "/api/v1/internal/cameras", { token: TOKEN });
    expect(fetched.body.cameras.find((c) => c.id === "legacy")?.url).toBe(legacyUrl);
    await second.close();
    const third = await start({});
    expect((await row()).urlSealed).toBe(sealed.urlSealed); // nothing left to do: the row is untouched
    await third.close();

    // Rotation: the new key with the old one as previous re-encrypts; then the new key alone suffices.
    const newKey = randomBytes(32);
    const rotated = await start({ cameraSecretsKey: newKey, cameraSecretsPreviousKeys: [TEST_CAMERA_SECRETS_KEY] });
    const resealed = await row();
    expect(resealed.urlSealed).not.toBe(sealed.urlSealed);
    expect(resealed.urlSealed!.split(":")[1]).not.toBe(sealed.urlSealed!.split(":")[1]);
    await rotated.close();
    const after = await start({ cameraSecretsKey: newKey });
    expect((await api<{ cameras: CameraConfig[] }>(after.url, "GET", "/api/v1/internal/cameras", { token: TOKEN })).body.cameras.find((c) => c.id === "legacy")?.url).toBe(legacyUrl);
    await after.close();

    // The old key alone opens nothing now: the start fails and names the camera and the setting.
    await expect(start({})).rejects.toThrow(/camera "legacy".*neither CAMERA_SECRETS_KEY/s);
  });
});

import { createServer, connect, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { io as connectSocket, type Socket as ClientSocket } from "socket.io-client";
import type { Alert, ClientToServerEvents, ServerToClientEvents } from "@vigil/contracts";
import pg from "pg";
import { ADMIN_PASSWORD, api, login, plateEvent, startAlertsHarness, waitUntil, type AlertsHarness } from "./alerts-harness.js";
import { connectTestMqtt } from "./support/mqtt.js";
import { getFreePort } from "./support/ports.js";

// PostgreSQL "goes down" for 60 s mid-stream. The shared cluster must keep serving other tests, so the
// service reaches it through a TCP proxy this test controls and cuts: every open connection is
// dropped and new ones are refused. Nothing published may be lost, and watchlist alerts must keep
// reaching the console live during the outage.
const OUTAGE_MS = Number(process.env.VIGIL_TEST_OUTAGE_MS ?? 60_000);

class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private down = false;
  constructor(
    private readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}
  async start(): Promise<void> {
    this.server = createServer((client) => {
      if (this.down) return void client.destroy();
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, "127.0.0.1", resolve));
  }
  cut(): void {
    this.down = true;
    for (const s of this.sockets) s.destroy();
  }
  restore(): void {
    this.down = false;
  }
  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

let h: AlertsHarness;
let proxy: TcpProxy;
let mqtt: MqttClient;
let socket: ClientSocket<ServerToClientEvents, ClientToServerEvents>;
const liveAlerts: Alert[] = [];

beforeAll(async () => {
  const port = await getFreePort();
  proxy = new TcpProxy(port, { host: "127.0.0.1", port: 5432 });
  await proxy.start();
  h = await startAlertsHarness("outage", { alertCooldownMs: 0 }, {}, (url) => {
    const u = new URL(url);
    u.port = String(port);
    return u.toString();
  });
  mqtt = await connectTestMqtt();
  const admin = (await login(h.base, "admin", ADMIN_PASSWORD)).token;
  expect((await api(h.base, "POST", "/api/v1/watchlist", { token: admin, body: { plate: "51G-888.88", reason: "outage test", priority: "critical" } })).status).toBe(201);
  socket = connectSocket(h.base, { auth: { token: admin }, transports: ["websocket"], reconnection: false });
  // The wanted car's first read raises its alert; every later read counts on it (an update).
  socket.on("alert:new", (a) => void liveAlerts.push(a));
  socket.on("alert:update", (a) => void liveAlerts.push(a));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
}, 30_000);

afterAll(async () => {
  socket?.disconnect();
  await mqtt?.endAsync();
  await h?.close();
  await proxy?.close();
});

describe("PostgreSQL down for 60 s mid-stream", () => {
  it(
    "stores every published read once it is back, while alerts keep reaching the console live",
    async () => {
      // Counts straight from the shared cluster (not through the proxy).
      const direct = new pg.Client({ connectionString: h.testDb.url });
      await direct.connect();
      direct.on("error", () => undefined);
      try {
        const stored = async () => Number((await direct.query("SELECT count(*)::int AS n FROM plate_reads")).rows[0].n);
        const published = new Set<string>();
        const watchIds: string[] = [];
        let i = 0;
        const publishOne = async () => {
          const hot = i % 50 === 25;
          const plate = hot ? "51G88888" : `30E${String(10000 + i).slice(-5)}`;
          const ev = plateEvent({ plate, display: plate, cameraId: `cam-${i % 3}` });
          i++;
          if (hot) watchIds.push(ev.id);
          published.add(ev.id);
          await mqtt.publishAsync(`${h.prefix}/events/plate`, JSON.stringify(ev), { qos: 1 });
        };
        const burst = async (ms: number, perSecond: number) => {
          const end = Date.now() + ms;
          while (Date.now() < end) {
            await publishOne();
            await new Promise((r) => setTimeout(r, 1000 / perSecond));
          }
        };

        await burst(3_000, 20);
        proxy.cut();
        const cutAt = Date.now();
        const liveBefore = liveAlerts.length;
        await burst(5_000, 20);
        const ready = await api(h.base, "GET", "/readyz");
        expect(ready.status).toBe(503);
        expect(ready.body.database).toBe(false);
        await burst(OUTAGE_MS - (Date.now() - cutAt), 20);
        // Sightings of the wanted car during the outage reached the socket while the database was down.
        const duringOutage = liveAlerts.slice(liveBefore).filter((a) => a.plate === "51G88888");
        expect(duringOutage.length).toBeGreaterThan(0);
        const storedDuring = await stored();
        expect(storedDuring).toBeLessThan(published.size);
        proxy.restore();
        await burst(2_000, 20);

        await waitUntil(async () => (await stored()) >= published.size, 20_000, "the backlog to be stored");
        await new Promise((r) => setTimeout(r, 500));
        const ids = (await direct.query<{ id: string }>("SELECT id FROM plate_reads")).rows.map((r) => r.id);
        expect(ids.length).toBe(published.size);
        expect(new Set(ids)).toEqual(published);
        // Every watchlist alert pushed live during the outage was persisted too, with every sighting counted.
        const pushedIds = [...new Set(duringOutage.map((a) => a.id))];
        await waitUntil(async () => (await direct.query("SELECT 1 FROM alerts WHERE id = ANY($1)", [pushedIds])).rows.length === pushedIds.length, 15_000, "alerts persisted");
        const counted = async () => Number((await direct.query<{ n: number }>("SELECT COALESCE(sum(occurrences), 0)::int AS n FROM alerts WHERE plate = '51G88888'")).rows[0]!.n);
        await waitUntil(async () => (await counted()) === watchIds.length, 15_000, "every sighting counted");
        expect((await api(h.base, "GET", "/readyz")).status).toBe(200);
        console.log(`outage test: published ${published.size}, stored ${ids.length}, stored during outage ${storedDuring}, live alerts during outage ${duringOutage.length}`);
      } finally {
        await direct.end().catch(() => undefined);
      }
    },
    OUTAGE_MS + 60_000,
  );
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { io as connectSocket, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@vigil/contracts";
import { ADMIN_PASSWORD, api, login, plateEvent, startAlertsHarness, waitUntil, type AlertsHarness } from "./alerts-harness.js";
import { connectTestMqtt } from "./support/mqtt.js";

// Issue 15, findings 5 and 10 (socket Origin), against the real alert service, PostgreSQL and Mosquitto:
// a socket lives only as long as its session, and only the console's own origin may open one.
let h: AlertsHarness;
let mqtt: MqttClient;
const sockets: Socket[] = [];

type VigilClient = Socket<ServerToClientEvents, ClientToServerEvents>;

async function open(token: string, extraHeaders: Record<string, string> = {}): Promise<{ socket: VigilClient; reads: string[]; disconnected: Promise<string> }> {
  const socket: VigilClient = connectSocket(h.base, { auth: { token }, transports: ["websocket"], reconnection: false, extraHeaders });
  sockets.push(socket);
  const reads: string[] = [];
  socket.on("plate:read", (r) => void reads.push(r.id));
  const disconnected = new Promise<string>((resolve) => socket.on("disconnect", (reason) => resolve(reason)));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return { socket, reads, disconnected };
}

const publishRead = async () => {
  const e = plateEvent();
  await mqtt.publishAsync(`${h.prefix}/events/plate`, JSON.stringify(e), { qos: 1 });
  return e.id;
};

beforeAll(async () => {
  h = await startAlertsHarness("sockets", { sessionTtlMs: 4_000 });
  mqtt = await connectTestMqtt();
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await mqtt?.endAsync();
  await h?.close();
});

describe("a socket lives as long as its session (finding 5)", () => {
  it("stops receiving plate:read at logout: the server drops the connection", async () => {
    const { token } = await login(h.base, "admin", ADMIN_PASSWORD);
    const client = await open(token);
    const first = await publishRead();
    await waitUntil(() => client.reads.includes(first), 10_000, "a read pushed while logged in");
    expect((await api(h.base, "POST", "/api/v1/auth/logout", { token })).status).toBeLessThan(300);
    expect(await client.disconnected).toBe("io server disconnect");
    const after = await publishRead();
    await new Promise((r) => setTimeout(r, 1500));
    expect(client.reads).not.toContain(after);
    // And the token cannot open a new one.
    await expect(open(token)).rejects.toThrow(/unauthorized/);
  });

  it("drops the connection when the session expires", async () => {
    const { token } = await login(h.base, "admin", ADMIN_PASSWORD);
    const client = await open(token);
    const started = Date.now();
    expect(await client.disconnected).toBe("io server disconnect");
    const lived = Date.now() - started;
    expect(lived).toBeGreaterThan(2_000);
    expect(lived).toBeLessThan(6_000); // session TTL 4 s in this test
  });
});

describe("socket Origin allow-list (finding 10)", () => {
  it("refuses a handshake from another site's page even with a valid session, accepts the console's own", async () => {
    const { token } = await login(h.base, "admin", ADMIN_PASSWORD);
    await expect(open(token, { origin: "https://evil.example" })).rejects.toThrow();
    const own = await open(token, { origin: h.base });
    expect(own.socket.connected).toBe(true);
    own.socket.close();
  });
});

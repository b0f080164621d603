import { describe, expect, it } from "vitest";
import type { CameraStatus } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import type { CameraStateLogRepository, StateChangeRow } from "../storage/camera-state-log-repository.js";
import { createCameraUptime, uptimeFraction, UPTIME_WINDOW_MS } from "./camera-uptime.js";

const H = 3_600_000;
const NOW = Date.parse("2026-12-03T12:00:00Z");
const FROM = NOW - UPTIME_WINDOW_MS;

describe("uptimeFraction", () => {
  it("is 1 for a camera online the whole window (its last change before the window carries over)", () => {
    expect(uptimeFraction([{ ts: FROM - 30 * 24 * H, state: "online" }], FROM, NOW)).toBe(1);
  });

  it("is 0 for a camera offline the whole window", () => {
    expect(uptimeFraction([{ ts: FROM - H, state: "offline" }], FROM, NOW)).toBe(0);
  });

  it("weighs each state by how long it held", () => {
    const changes = [
      { ts: FROM - H, state: "online" as const },
      { ts: FROM + 6 * H, state: "offline" as const },
      { ts: FROM + 12 * H, state: "online" as const },
    ];
    expect(uptimeFraction(changes, FROM, NOW)).toBeCloseTo(18 / 24, 10);
  });

  it("counts degraded as up: the camera still delivers video", () => {
    const changes = [
      { ts: FROM, state: "degraded" as const },
      { ts: FROM + 12 * H, state: "offline" as const },
    ];
    expect(uptimeFraction(changes, FROM, NOW)).toBeCloseTo(0.5, 10);
  });

  it("leaves the time before the first record out (unknown, not down)", () => {
    // Added 4 h ago: 3 h online, then 1 h offline → 0.75, not 3/24.
    const changes = [
      { ts: NOW - 4 * H, state: "online" as const },
      { ts: NOW - H, state: "offline" as const },
    ];
    expect(uptimeFraction(changes, FROM, NOW)).toBeCloseTo(0.75, 10);
  });

  it("is null when nothing of the window is known", () => {
    expect(uptimeFraction([], FROM, NOW)).toBeNull();
    // Only a change in the future (a camera clock ahead): still unknown.
    expect(uptimeFraction([{ ts: NOW + H, state: "online" }], FROM, NOW)).toBeNull();
  });

  it("does not depend on the order the changes come in", () => {
    const changes = [
      { ts: FROM + 20 * H, state: "online" as const },
      { ts: FROM + 2 * H, state: "online" as const },
      { ts: FROM + 8 * H, state: "offline" as const },
    ];
    // Known from +2 h: 6 h up, 12 h down, 4 h up → 10/22.
    expect(uptimeFraction(changes, FROM, NOW)).toBeCloseTo(10 / 22, 10);
  });
});

/** An in-memory state log with the repository's semantics (idempotent by camera and time). */
function memoryLog(failWrites = { n: 0 }) {
  const rows: StateChangeRow[] = [];
  const log: CameraStateLogRepository = {
    async record(c) {
      if (failWrites.n > 0) {
        failWrites.n--;
        throw new Error("database down");
      }
      if (!rows.some((r) => r.cameraId === c.cameraId && r.ts === c.ts)) rows.push(c);
    },
    async latest() {
      const by = new Map<string, StateChangeRow>();
      for (const r of [...rows].sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts))) by.set(r.cameraId, r);
      return [...by.values()];
    },
    async since(fromIso, cameraId) {
      const from = Date.parse(fromIso);
      const mine = rows.filter((r) => !cameraId || r.cameraId === cameraId).sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
      const before = new Map<string, StateChangeRow>();
      for (const r of mine) if (Date.parse(r.ts) < from) before.set(r.cameraId, r);
      return [...before.values(), ...mine.filter((r) => Date.parse(r.ts) >= from)];
    },
    async prune() {
      return 0;
    },
  };
  return { rows, log };
}

const status = (cameraId: string, state: CameraStatus["state"], ts: number): CameraStatus => ({ schemaVersion: 1, cameraId, state, ts: new Date(ts).toISOString(), fps: 1, lastFrameTs: null });
const logger = createLogger({ name: "test", level: "silent" });

describe("createCameraUptime", () => {
  it("writes only state changes of registered cameras, and answers the 24 h figure per camera", async () => {
    const { rows, log } = memoryLog();
    const up = createCameraUptime({ log, isKnown: (id) => id !== "rogue", logger, now: () => NOW });
    await up.record(status("cam-1", "online", NOW - 12 * H));
    await up.record(status("cam-1", "online", NOW - 11 * H)); // the same state again: not a change
    await up.record(status("cam-1", "offline", NOW - 6 * H));
    await up.record(status("cam-1", "online", NOW - 6 * H - 1)); // older than the last change: ignored
    await up.record(status("cam-1", "online", NOW - 3 * H));
    await up.record(status("rogue", "online", NOW - H));
    expect(rows.map((r) => [r.cameraId, r.state])).toEqual([["cam-1", "online"], ["cam-1", "offline"], ["cam-1", "online"]]);
    const figures = await up.last24h();
    expect(figures.get("cam-1")).toBe(0.75);
    expect(figures.has("rogue")).toBe(false);
  });

  it("after a restart, continues from the log instead of writing the retained status again", async () => {
    const { rows, log } = memoryLog();
    await log.record({ cameraId: "cam-1", ts: new Date(NOW - 2 * H).toISOString(), state: "online" });
    const up = createCameraUptime({ log, isKnown: () => Promise.resolve(true), logger, now: () => NOW });
    await up.load();
    await up.record(status("cam-1", "online", NOW - H));
    expect(rows).toHaveLength(1);
  });

  it("retries a change whose write failed with the camera's next status", async () => {
    const fail = { n: 1 };
    const { rows, log } = memoryLog(fail);
    const up = createCameraUptime({ log, isKnown: () => true, logger, now: () => NOW });
    await up.record(status("cam-1", "offline", NOW - 2 * H));
    expect(rows).toHaveLength(0);
    await up.record(status("cam-1", "offline", NOW - 2 * H + 5_000));
    expect(rows.map((r) => r.state)).toEqual(["offline"]);
    expect((await up.last24h("cam-1")).get("cam-1")).toBe(0);
  });
});

describe("state log under concurrent statuses", () => {
  it("writes one change when two statuses of the same state arrive while the camera lookup is pending", async () => {
    const written: string[] = [];
    const uptime = createCameraUptime({
      log: { record: async (r: { state: string }) => void written.push(r.state), latest: async () => [], since: async () => [], prune: async () => 0, forget: async () => undefined } as never,
      isKnown: () => new Promise((r) => setTimeout(() => r(true), 5)),
      logger: createLogger({ name: "t", level: "silent" }),
    });
    const status = (state: "online" | "offline", hoursAgo: number) => ({ schemaVersion: 1 as const, cameraId: "c1", state, ts: new Date(Date.now() - hoursAgo * 3_600_000).toISOString(), fps: 2, lastFrameTs: null });
    await Promise.all([uptime.record(status("online", 12)), uptime.record(status("online", 11))]);
    await uptime.record(status("offline", 6));
    expect(written).toEqual(["online", "offline"]);
  });
});

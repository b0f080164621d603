import { describe, expect, it } from "vitest";
import { cameraConfigSchema, publishedCamera, type CameraConfig } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { createCamerasFollower, internalCamerasFetcher } from "./cameras-follower.js";

const cam = (id: string, url: string) => cameraConfigSchema.parse({ id, name: id, url, lat: 10.7, lon: 106.6 });
const logger = createLogger({ name: "t", level: "silent" });

/** Timers the test fires by hand. */
function manualTimers() {
  const pending: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  return {
    pending,
    setTimer: (fn: () => void, ms: number) => {
      const t = { fn, ms, cancelled: false };
      pending.push(t);
      return { cancel: () => void (t.cancelled = true) };
    },
    async fire() {
      const t = pending.shift()!;
      if (!t.cancelled) t.fn();
      await new Promise((r) => setImmediate(r));
    },
  };
}

describe("cameras follower", () => {
  it("applies a list without credentials as it is, without asking the alert service", async () => {
    const applied: CameraConfig[][] = [];
    let fetches = 0;
    const f = createCamerasFollower({ apply: async (l) => applied.push(l), fetchCameras: async () => (fetches++, []), fileCameras: () => [], logger });
    await f.onList([publishedCamera(cam("a", "rtsp://10.0.0.1/s"))]);
    expect(applied).toEqual([[cam("a", "rtsp://10.0.0.1/s")]]);
    expect(fetches).toBe(0);
  });

  it("fetches the full list when a camera has credentials, and retries a failed fetch (latest list only)", async () => {
    const applied: CameraConfig[][] = [];
    const timers = manualTimers();
    const full = [cam("a", "rtsp://user:secret@10.0.0.1/s")];
    let fail = 2;
    const f = createCamerasFollower({
      apply: async (l) => applied.push(l),
      fetchCameras: async () => {
        if (fail-- > 0) throw new Error("connection refused");
        return full;
      },
      fileCameras: () => [],
      logger,
      retry: { minMs: 100, maxMs: 150 },
      setTimer: timers.setTimer,
    });
    await f.onList(full.map(publishedCamera));
    expect(applied).toEqual([]); // running cameras kept while the alert service is unreachable
    expect(timers.pending.map((t) => t.ms)).toEqual([100]);
    await timers.fire();
    expect(timers.pending.map((t) => t.ms)).toEqual([150]); // backoff, capped
    await timers.fire();
    expect(applied).toEqual([full]);
    expect(applied[0]![0]!.url).toBe("rtsp://user:secret@10.0.0.1/s");

    // A newer message cancels the pending retry of an older one.
    fail = 1;
    await f.onList(full.map(publishedCamera));
    await f.onList([publishedCamera(cam("b", "rtsp://10.0.0.2/s"))]);
    await timers.fire();
    expect(applied.at(-1)).toEqual([cam("b", "rtsp://10.0.0.2/s")]);
    expect(applied).toHaveLength(2);
    f.close();
  });

  it("without the internal route, takes credentials from the cameras file for the same address only", async () => {
    const applied: CameraConfig[][] = [];
    const file = [cam("a", "rtsp://user:secret@10.0.0.1/s"), cam("b", "rtsp://user:old@10.0.0.9/s")];
    const f = createCamerasFollower({ apply: async (l) => applied.push(l), fileCameras: () => file, logger });
    await f.onList([publishedCamera(cam("a", "rtsp://user:secret@10.0.0.1/s")), publishedCamera(cam("b", "rtsp://user:new@10.0.0.2/s"))]);
    expect(applied[0]!.map((c) => c.url)).toEqual(["rtsp://user:secret@10.0.0.1/s", "rtsp://10.0.0.2/s"]);
    expect(applied[0]!.some((c) => "hasCredentials" in c)).toBe(false);
  });

  it("fetches with the service token and says when the token is wrong", async () => {
    let seen: { url: string; auth: string | null } | null = null;
    const ok = internalCamerasFetcher({
      alertsUrl: "http://alerts:8080",
      token: "tok",
      fetch: (async (url: URL, init: RequestInit) => {
        seen = { url: String(url), auth: new Headers(init.headers).get("authorization") };
        return new Response(JSON.stringify({ cameras: [cam("a", "rtsp://u:p@h/s")] }), { status: 200 });
      }) as typeof fetch,
    });
    expect((await ok())[0]!.url).toBe("rtsp://u:p@h/s");
    expect(seen).toEqual({ url: "http://alerts:8080/api/v1/internal/cameras", auth: "Bearer tok" });
    const denied = internalCamerasFetcher({ alertsUrl: "http://alerts:8080", token: "x", fetch: (async () => new Response("{}", { status: 401 })) as unknown as typeof fetch });
    await expect(denied()).rejects.toThrow(/401 \(INGEST_API_TOKEN differs/);
    const bad = internalCamerasFetcher({ alertsUrl: "http://alerts:8080", token: "x", fetch: (async () => new Response(JSON.stringify({ cameras: [{ id: "a" }] }), { status: 200 })) as unknown as typeof fetch });
    await expect(bad()).rejects.toThrow(/unexpected reply/);
  });
});

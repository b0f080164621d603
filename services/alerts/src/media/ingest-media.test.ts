import { describe, expect, it } from "vitest";
import { shardForCamera } from "@vigil/contracts";
import { createIngestMediaClient } from "./ingest-media.js";

const TOKEN = "t".repeat(40);
const EVENT = "00000000-0000-4000-8000-0000000000e1";
const clipReq = { cameraId: "le-loi", eventId: EVENT, at: "2026-12-04T08:00:00.000Z" };

function fakeFetch(answer: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const f = (async (url: string | URL, init: RequestInit = {}) => {
    calls.push({ url: String(url), init });
    return answer(String(url), init);
  }) as typeof fetch;
  return { f, calls };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("ingest media client", () => {
  it("is configured only once an ingest address is known (npm start learns it after ingest listens)", () => {
    let urls: string[] = [];
    const c = createIngestMediaClient({ urls: () => urls, token: TOKEN, fetch: fakeFetch(() => json(200, {})).f });
    expect(c.configured()).toBe(false);
    urls = ["http://127.0.0.1:8082"];
    expect(c.configured()).toBe(true);
  });

  it("asks the camera's own shard, with the service token", async () => {
    const urls = ["http://ingest-0:8082", "http://ingest-1:8082/", "http://ingest-2:8082"];
    const { f, calls } = fakeFetch(() => new Response("stream", { status: 200 }));
    const c = createIngestMediaClient({ urls: () => urls, token: TOKEN, fetch: f });
    await c.openLive("le-loi", new AbortController().signal);
    const shard = shardForCamera("le-loi", 3);
    expect(calls[0]!.url).toBe(`${urls[shard]!.replace(/\/$/, "")}/internal/v1/cameras/le-loi/live`);
    expect((calls[0]!.init.headers as Record<string, string>).authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("turns ingest's clip answers into outcomes, and anything else into 'unreachable' (never throws)", async () => {
    const clip = { clip: `/media/le-loi/2026-12-04/${EVENT}.mp4`, clipSha256: "b".repeat(64), from: "2026-12-04T07:59:55.000Z", to: "2026-12-04T08:00:10.000Z", durationS: 15 };
    const answers: (() => Response | Promise<Response>)[] = [
      () => json(200, clip),
      () => json(404, { error: "no_video", message: "camera offline" }),
      () => json(200, { ...clip, clip: "https://evil.example/x.mp4" }),
      () => new Response("<html>bad gateway</html>", { status: 502 }),
      () => Promise.reject(new TypeError("fetch failed")),
    ];
    const { f, calls } = fakeFetch(() => answers.shift()!());
    const c = createIngestMediaClient({ urls: () => ["http://ingest:8082"], token: TOKEN, fetch: f });
    expect(await c.requestClip(clipReq)).toEqual({ ok: true, clip });
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual(clipReq);
    expect(calls[0]!.url).toBe("http://ingest:8082/internal/v1/clips");
    expect(await c.requestClip(clipReq)).toEqual({ ok: false, error: "no_video", message: "camera offline" });
    expect(await c.requestClip(clipReq)).toMatchObject({ ok: false, error: "unreachable" });
    expect(await c.requestClip(clipReq)).toMatchObject({ ok: false, error: "unreachable", message: "ingest answered 502" });
    expect(await c.requestClip(clipReq)).toMatchObject({ ok: false, error: "unreachable" });
    const none = createIngestMediaClient({ urls: () => [], token: TOKEN, fetch: f });
    expect(await none.requestClip(clipReq)).toMatchObject({ ok: false, error: "unreachable" });
    await expect(none.openLive("le-loi", new AbortController().signal)).rejects.toThrow(/INGEST_URL/);
  });

  it("ends ingest's side of the live stream when the viewer leaves", async () => {
    let upstreamSignal: AbortSignal | undefined;
    const { f } = fakeFetch((_u, init) => {
      upstreamSignal = init.signal ?? undefined;
      return new Response("stream", { status: 200 });
    });
    const c = createIngestMediaClient({ urls: () => ["http://ingest:8082"], token: TOKEN, fetch: f });
    const viewer = new AbortController();
    await c.openLive("le-loi", viewer.signal);
    expect(upstreamSignal?.aborted).toBe(false);
    viewer.abort();
    expect(upstreamSignal?.aborted).toBe(true);
  });
});

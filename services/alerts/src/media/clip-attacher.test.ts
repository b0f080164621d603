import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CLIP_AFTER_MS, type Alert, type ClipRequest } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { createClipAttacher, type ClipAttachResult } from "./clip-attacher.js";
import type { IngestClipOutcome } from "./ingest-media.js";

const logger = createLogger({ name: "clip-attacher-test", level: "silent" });
const T0 = Date.parse("2026-12-04T08:00:00.000Z");
const SHA = "a".repeat(64);

function alertOf(over: Partial<Alert> = {}): Alert {
  return { id: "00000000-0000-4000-8000-000000000001", type: "fire", severity: "critical", cameraId: "le-loi", ts: new Date(T0).toISOString(), state: "new", eventId: "00000000-0000-4000-8000-0000000000e1", ...over } as Alert;
}

const written = (req: ClipRequest): IngestClipOutcome => ({ ok: true, clip: { clip: `/media/${req.cameraId}/2026-12-04/${req.eventId}.mp4`, clipSha256: SHA, from: req.at, to: req.at, durationS: 15 } });

function setup(o: { answers?: ((req: ClipRequest) => IngestClipOutcome)[]; attachAnswers?: boolean[]; clipsOn?: boolean } = {}) {
  const requests: { req: ClipRequest; at: number }[] = [];
  const hashes: [string, string, string][] = [];
  const attached: { id: string; clip: string; at: number }[] = [];
  const results: ClipAttachResult[] = [];
  const answers = [...(o.answers ?? [])];
  const attachAnswers = [...(o.attachAnswers ?? [])];
  const attacher = createClipAttacher({
    ingest: {
      requestClip: async (req) => {
        requests.push({ req, at: Date.now() });
        return (answers.shift() ?? written)(req);
      },
    },
    clipsOn: async () => o.clipsOn ?? true,
    recordHash: async (path, sha, eventId) => void hashes.push([path, sha, eventId]),
    attach: async (id, clip) => {
      const ok = attachAnswers.shift() ?? true;
      if (ok) attached.push({ id, clip: clip.clip, at: Date.now() });
      return ok ? alertOf({ clip: clip.clip, clipSha256: clip.clipSha256 }) : null;
    },
    logger,
    onResult: (r) => results.push(r),
    retryDelayMs: 1_000,
  });
  return { attacher, requests, hashes, attached, results };
}

describe("clip attacher", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0 + 800); // the alert is raised 0.8 s after its event
  });
  afterEach(() => vi.useRealTimers());

  it("asks ingest once the event is CLIP_AFTER_MS old, records the hash, then attaches the clip", async () => {
    const s = setup();
    s.attacher.onRaised(alertOf());
    await vi.advanceTimersByTimeAsync(CLIP_AFTER_MS - 800 - 1);
    expect(s.requests).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]!.at).toBe(T0 + CLIP_AFTER_MS);
    expect(s.requests[0]!.req).toEqual({ cameraId: "le-loi", eventId: alertOf().eventId, at: new Date(T0).toISOString() });
    expect(s.hashes).toEqual([[`/media/le-loi/2026-12-04/${alertOf().eventId}.mp4`, SHA, alertOf().eventId]]);
    expect(s.attached.map((a) => a.id)).toEqual([alertOf().id]);
    expect(s.results).toEqual(["written"]);
    expect(s.attacher.pending).toBe(0);
  });

  it("gets clips for wanted plates, fire and smoke only, each alert once", async () => {
    const s = setup();
    const types: Alert["type"][] = ["watchlist_hit", "smoke", "camera_offline", "system"];
    types.forEach((type, i) => s.attacher.onRaised(alertOf({ type, id: `00000000-0000-4000-8000-00000000000${i + 2}` })));
    s.attacher.onRaised(alertOf({ type: "smoke", id: "00000000-0000-4000-8000-000000000003" })); // the same alert again
    s.attacher.onRaised(alertOf({ id: "00000000-0000-4000-8000-000000000009", eventId: undefined })); // no event to cut
    await vi.advanceTimersByTimeAsync(CLIP_AFTER_MS);
    expect(s.requests).toHaveLength(2);
    expect(s.results).toEqual(["written", "written"]);
  });

  it("asks at once for an event already older than CLIP_AFTER_MS, and not at all for one older than maxEventAgeMs", async () => {
    const s = setup();
    s.attacher.onRaised(alertOf({ id: "00000000-0000-4000-8000-00000000000a", ts: new Date(T0 - 30_000).toISOString() }));
    await vi.advanceTimersByTimeAsync(0);
    expect(s.requests).toHaveLength(1);
    s.attacher.onRaised(alertOf({ id: "00000000-0000-4000-8000-00000000000b", ts: new Date(T0 - 600_000).toISOString() }));
    await vi.advanceTimersByTimeAsync(CLIP_AFTER_MS);
    expect(s.requests).toHaveLength(1);
    expect(s.results).toEqual(["written", "too_old"]);
  });

  it("leaves a camera with clips off alone", async () => {
    const s = setup({ clipsOn: false });
    s.attacher.onRaised(alertOf());
    await vi.advanceTimersByTimeAsync(CLIP_AFTER_MS * 2);
    expect(s.requests).toHaveLength(0);
    expect(s.results).toEqual(["disabled"]);
  });

  it("tries an unreachable ingest again a little; ingest's own refusals are final", async () => {
    const down = (): IngestClipOutcome => ({ ok: false, error: "unreachable", message: "ECONNREFUSED" });
    const s = setup({ answers: [down, down] });
    s.attacher.onRaised(alertOf());
    await vi.advanceTimersByTimeAsync(CLIP_AFTER_MS + 5_000);
    expect(s.requests.map((r) => r.at - T0)).toEqual([CLIP_AFTER_MS, CLIP_AFTER_MS + 1_000, CLIP_AFTER_MS + 2_000]);
    expect(s.results).toEqual(["written"]);

    const t = setup({ answers: [() => ({ ok: false, error: "no_video", message: "camera offline" })] });
    t.attacher.onRaised(alertOf());
    await vi.advanceTimersByTimeAsync(CLIP_AFTER_MS + 5_000);
    expect(t.requests).toHaveLength(1);
    expect(t.hashes).toHaveLength(0);
    expect(t.results).toEqual(["no_video"]);
  });

  it("retries the attach while the alert is not stored yet, and counts 'failed' when it never appears", async () => {
    const s = setup({ attachAnswers: [false, true] });
    s.attacher.onRaised(alertOf());
    await vi.advanceTimersByTimeAsync(CLIP_AFTER_MS + 1_000);
    expect(s.attached).toHaveLength(1);
    expect(s.attached[0]!.at).toBe(T0 + CLIP_AFTER_MS + 1_000);
    expect(s.results).toEqual(["written"]);

    const t = setup({ attachAnswers: [false, false, false] });
    t.attacher.onRaised(alertOf());
    await vi.advanceTimersByTimeAsync(CLIP_AFTER_MS + 10_000);
    expect(t.results).toEqual(["failed"]);
  });

  it("close() gives up the clips still waiting for their time, without asking ingest", async () => {
    const s = setup();
    s.attacher.onRaised(alertOf());
    expect(s.attacher.pending).toBe(1);
    await s.attacher.close();
    await vi.advanceTimersByTimeAsync(CLIP_AFTER_MS * 2);
    expect(s.requests).toHaveLength(0);
    expect(s.attacher.pending).toBe(0);
    s.attacher.onRaised(alertOf({ id: "00000000-0000-4000-8000-00000000000c" }));
    expect(s.attacher.pending).toBe(0);
  });
});

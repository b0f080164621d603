import { execFileSync } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIP_AFTER_MS, CLIP_BEFORE_MS } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { CameraMedia } from "../services/ingest/src/media/camera-media.js";
import { createClipCutter, type ClipCutter, type ClipResult } from "../services/ingest/src/media/clip-cutter.js";
import { Mp4FragmentReader, type Fragment, type InitSegment } from "../services/ingest/src/media/mp4-fragments.js";
import { buildFfmpegArgs, MEDIA_FD } from "../services/ingest/src/source/ffmpeg-args.js";

// Event clips (#17) cut by real ffmpeg from a ring fed with ffmpeg's own fragmented MP4 (the exact
// output options ingest uses), on a clock the test moves: 40 s of video take no 40 s.
const logger = createLogger({ name: "clips-test", level: process.env.VIGIL_TEST_LOG ?? "silent" });
const work = mkdtempSync(path.join(tmpdir(), "vigil-clips-test-"));
const mediaDir = path.join(work, "media");
let init: InitSegment;
const fragments: Fragment[] = [];

/** 40 s of 1280×720 25 fps H.264 (GOP 1 s), through ingest's media output options, split by our reader. */
beforeAll(() => {
  const src = path.join(work, "src.mp4");
  execFileSync("ffmpeg", ["-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25", "-t", "40", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", src]);
  const args = buildFfmpegArgs({ url: src, width: 320, mediaOutput: true, realtime: false });
  // Only the media output is wanted here: take the args from its -map on, writing to a file instead of fd 3.
  const media = args.slice(args.lastIndexOf("-map"));
  expect(media.at(-1)).toBe(`pipe:${MEDIA_FD}`);
  const out = path.join(work, "copy.fmp4");
  execFileSync("ffmpeg", ["-loglevel", "error", "-y", "-i", src, ...media.slice(0, -1), out]);
  const reader = new Mp4FragmentReader({ onInit: (i) => (init = i), onFragment: (f) => fragments.push(f) });
  reader.push(readFileSync(out));
  expect(fragments.length).toBeGreaterThan(100);
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Rig {
  clock: { now: number };
  media: CameraMedia;
  cutter: ClipCutter;
  results: ClipResult[];
  /** Feeds fragments (moving the clock by each one's duration) up to `untilMs` of video. */
  play(untilMs: number): void;
  t0: number;
}

function rig(label: string, o: { mediaDir?: string } = {}): Rig {
  const clock = { now: Date.parse("2026-12-04T08:00:00.000Z") };
  const t0 = clock.now;
  const media = new CameraMedia({ cameraId: "cam-1", liveView: false, ringDir: path.join(work, `ring-${label}`), ringKeepMs: 60_000, logger, now: () => clock.now });
  const results: ClipResult[] = [];
  const cutter = createClipCutter({ ffmpegPath: "ffmpeg", mediaDir: o.mediaDir ?? mediaDir, ringFor: (id) => (id === "cam-1" ? media.ring : id === "no-clips" ? null : undefined), logger, now: () => clock.now, graceMs: 1_000, onResult: (r) => results.push(r) });
  let next = 0;
  let played = 0;
  media.runStarted();
  media.push(init.data);
  return {
    clock,
    media,
    cutter,
    results,
    t0,
    play(untilMs) {
      while (next < fragments.length && played < untilMs) {
        const f = fragments[next++]!;
        played += f.durationMs;
        clock.now = t0 + played;
        media.push(f.data);
      }
    },
  };
}

function probe(file: string): { duration: number; codec: string; width: number; frames: number } {
  const j = JSON.parse(execFileSync("ffprobe", ["-v", "error", "-count_packets", "-show_entries", "format=duration:stream=codec_name,width,nb_read_packets", "-of", "json", file]).toString()) as { format: { duration: string }; streams: { codec_name: string; width: number; nb_read_packets: string }[] };
  return { duration: Number(j.format.duration), codec: j.streams[0]!.codec_name, width: j.streams[0]!.width, frames: Number(j.streams[0]!.nb_read_packets) };
}

describe("event clips from the ring", () => {
  it("cuts ~5 s before to ~10 s after the event into a valid, complete H.264 MP4 beside the evidence, with its SHA-256", async () => {
    const r = rig("normal");
    r.play(30_000);
    const eventId = randomUUID();
    const at = r.t0 + 12_300;
    const outcome = await r.cutter.request({ cameraId: "cam-1", eventId, at: new Date(at).toISOString() });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const { clip } = outcome;
    expect(clip.clip).toBe(`/media/cam-1/2026-12-04/${eventId}.mp4`);
    const file = path.join(mediaDir, "cam-1", "2026-12-04", `${eventId}.mp4`);
    expect(createHash("sha256").update(readFileSync(file)).digest("hex")).toBe(clip.clipSha256);
    expect(readdirSync(path.dirname(file)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    // From the keyframe at or before at − 5 s (GOP 1 s) to at + 10 s.
    expect(Date.parse(clip.from)).toBeLessThanOrEqual(at - CLIP_BEFORE_MS);
    expect(Date.parse(clip.from)).toBeGreaterThan(at - CLIP_BEFORE_MS - 1_000 - 1);
    expect(Date.parse(clip.to)).toBe(at + CLIP_AFTER_MS);
    const p = probe(file);
    console.log(`clips: ${p.duration.toFixed(2)} s (${p.frames} frames), asked 15 s + keyframe alignment ${(at - CLIP_BEFORE_MS - Date.parse(clip.from)) / 1000} s, answered ${clip.durationS} s`);
    expect(p.codec).toBe("h264");
    expect(p.width).toBe(1280);
    expect(Math.abs(p.duration - clip.durationS)).toBeLessThan(0.25);
    expect(p.duration).toBeGreaterThan(15 - 0.1);
    expect(p.duration).toBeLessThan(17);
    execFileSync("ffmpeg", ["-v", "error", "-xerror", "-i", file, "-f", "null", "-"]);
    // Asked again (a retry after a lost answer): the same file and hash, nothing rewritten.
    const again = await r.cutter.request({ cameraId: "cam-1", eventId, at: new Date(at).toISOString() });
    expect(again.ok && again.clip.clipSha256).toBe(clip.clipSha256);
    expect(r.results).toEqual(["written", "written"]);
    await r.cutter.close();
    await r.media.close();
  }, 60_000);

  it("waits for the end of the clip to be recorded before cutting", async () => {
    const r = rig("waits");
    r.play(20_000);
    const at = r.t0 + 17_000; // its end (27 s) is not recorded yet
    const pending = r.cutter.request({ cameraId: "cam-1", eventId: randomUUID(), at: new Date(at).toISOString() });
    let settled = false;
    void pending.then(() => (settled = true));
    await new Promise((res) => setTimeout(res, 600));
    expect(settled).toBe(false);
    expect(r.cutter.pending).toBe(1);
    r.play(28_000);
    const outcome = await pending;
    expect(outcome.ok && Date.parse(outcome.clip.to)).toBe(at + CLIP_AFTER_MS);
    await r.cutter.close();
    await r.media.close();
  }, 60_000);

  it("a camera that drops mid-clip gives a shorter clip, complete and playable, not a broken file", async () => {
    const r = rig("drop");
    r.play(20_000);
    const at = r.t0 + 16_000; // the camera drops at 20 s: 4 s after the event instead of 10
    r.media.runEnded();
    r.clock.now = at + CLIP_AFTER_MS + 1; // time went on while it was down
    const outcome = await r.cutter.request({ cameraId: "cam-1", eventId: randomUUID(), at: new Date(at).toISOString() });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const file = path.join(mediaDir, outcome.clip.clip.slice("/media/".length));
    const p = probe(file);
    expect(p.duration).toBeGreaterThan(8.5);
    expect(p.duration).toBeLessThan(10.5);
    execFileSync("ffmpeg", ["-v", "error", "-xerror", "-i", file, "-f", "null", "-"]);
    await r.cutter.close();
    await r.media.close();
  }, 60_000);

  it("answers with a reason instead of a clip: nothing recorded then, clips off, another ingest's camera, a time in the future", async () => {
    const r = rig("reasons");
    r.play(10_000);
    const ask = (cameraId: string, at: number) => r.cutter.request({ cameraId, eventId: randomUUID(), at: new Date(at).toISOString() });
    const before = await ask("cam-1", r.t0 - 60_000);
    expect(before.ok || before.error.error).toBe("no_video");
    const off = await ask("no-clips", r.t0);
    expect(off.ok || off.error.error).toBe("disabled");
    const elsewhere = await ask("cam-9", r.t0);
    expect(elsewhere.ok || elsewhere.error.error).toBe("not_here");
    const future = await ask("cam-1", r.clock.now + 3_600_000);
    expect(future.ok || future.error.error).toBe("bad_request");
    expect(r.results).toEqual(["no_video", "disabled", "not_here", "bad_request"]);
    await r.cutter.close();
    await r.media.close();
  }, 30_000);

  it("a clip that cannot be written (the media disk unusable) is 'failed', leaves no file, and the cutter keeps working", async () => {
    const blocked = path.join(work, "not-a-dir");
    writeFileSync(blocked, "a file where the media directory should be");
    const r = rig("disk", { mediaDir: blocked });
    r.play(25_000);
    const outcome = await r.cutter.request({ cameraId: "cam-1", eventId: randomUUID(), at: new Date(r.t0 + 10_000).toISOString() });
    expect(outcome.ok || outcome.error.error).toBe("failed");
    expect(r.results).toEqual(["failed"]);
    expect(existsSync(path.join(blocked, "cam-1"))).toBe(false);
    await r.cutter.close();
    await r.media.close();
  }, 30_000);

  it("close() ends a clip that is still waiting for video (ingest stopping) at once", async () => {
    const r = rig("close");
    r.play(5_000);
    const pending = r.cutter.request({ cameraId: "cam-1", eventId: randomUUID(), at: new Date(r.t0 + 4_000).toISOString() });
    await new Promise((res) => setTimeout(res, 100));
    const started = Date.now();
    await r.cutter.close();
    const outcome = await pending;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(outcome.ok || outcome.error.error).toBe("failed");
    await r.media.close();
  }, 30_000);
});

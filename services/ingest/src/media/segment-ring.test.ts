import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Fragment } from "./mp4-fragments.js";
import { SegmentRing } from "./segment-ring.js";

const dirs: string[] = [];
function ringDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), "vigil-ring-test-"));
  dirs.push(d);
  return path.join(d, "cam-1");
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const frag = (name: string, keyframe: boolean, durationMs = 200): Fragment => ({ data: Buffer.from(name), keyframe, durationMs, decodeTimeMs: 0, samples: 5 });

/** A ring on a fake clock, fed one fragment every `durationMs`, GOP `gop` fragments. */
function feed(ring: SegmentRing, clock: { now: number }, fragments: number, gop: number, label = "f"): void {
  for (let i = 0; i < fragments; i++) {
    clock.now += 200;
    ring.append(frag(`${label}${i};`, i % gop === 0));
  }
}

describe("SegmentRing", () => {
  it("writes one segment per keyframe, drops what comes before the run's first keyframe, and names each byte's time", async () => {
    const clock = { now: 1_000_000 };
    const dir = ringDir();
    const ring = new SegmentRing({ dir, now: () => clock.now });
    ring.startRun(Buffer.from("INIT;"));
    clock.now += 200;
    ring.append(frag("before;", false));
    feed(ring, clock, 10, 5);
    await ring.flushed();
    expect(ring.segmentCount).toBe(2);
    expect(readFileSync(ring.files()[0]!, "utf8")).toBe("f0;f1;f2;f3;f4;");
    expect(readFileSync(ring.files()[1]!, "utf8")).toBe("f5;f6;f7;f8;f9;");
    expect(ring.coveredUntil()).toBe(clock.now);
    expect(ring.oldestMs()).toBe(1_000_000 + 400 - 200);
    await ring.close();
  });

  it("prunes video older than keepMs, and the init files no segment needs, but never what a clip holds", async () => {
    const clock = { now: 0 };
    const dir = ringDir();
    const ring = new SegmentRing({ dir, keepMs: 2_000, now: () => clock.now });
    ring.startRun(Buffer.from("INIT-A;"));
    feed(ring, clock, 10, 5, "a"); // 0–2 s, 2 segments
    const held = await ring.select(0, 1_000);
    expect(held?.parts).toHaveLength(1);
    ring.startRun(Buffer.from("INIT-B;")); // the camera reconnected
    feed(ring, clock, 30, 5, "b"); // 2–8 s
    await ring.flushed();
    const files = readdirSync(dir).sort();
    // Run A's first segment is held (a clip is being cut from it); its second one is gone.
    expect(files).toContain(path.basename(held!.parts[0]!.file));
    expect(files).toContain("run-0-init.mp4");
    expect(ring.segmentCount).toBeLessThanOrEqual(1 + 3);
    held!.release();
    feed(ring, clock, 5, 5, "c");
    await ring.flushed();
    const after = readdirSync(dir);
    expect(after).not.toContain(path.basename(held!.parts[0]!.file));
    expect(after).not.toContain("run-0-init.mp4");
    expect(after).toContain("run-1-init.mp4");
    // What is left covers about keepMs (plus the segment being written).
    expect(clock.now - ring.oldestMs()!).toBeLessThanOrEqual(2_000 + 1_000);
    await ring.close();
    expect(existsSync(dir)).toBe(false);
  });

  it("selects the gap-free chain of one run that covers the window most, from the keyframe at or before its start", async () => {
    const clock = { now: 0 };
    const ring = new SegmentRing({ dir: ringDir(), now: () => clock.now });
    ring.startRun(Buffer.from("INIT-A;"));
    feed(ring, clock, 15, 5, "a"); // run A: 0–3 s
    ring.endRun();
    clock.now += 5_000; // camera offline 3–8 s
    ring.startRun(Buffer.from("INIT-B;"));
    feed(ring, clock, 40, 5, "b"); // run B: 8–16 s
    const sel = await ring.select(1_500, 12_500);
    expect(sel).not.toBeNull();
    // Run B covers 8–12.5 s (4.5 s), run A only 1.5–3 s: B wins; a clip never mixes runs.
    expect(path.basename(sel!.initFile)).toBe("run-1-init.mp4");
    expect(sel!.startMs).toBe(8_000);
    expect(sel!.endMs).toBeGreaterThanOrEqual(12_500);
    expect(sel!.parts.every((p) => p.file.includes("run-1-"))).toBe(true);
    expect(sel!.parts.reduce((n, p) => n + p.bytes, 0)).toBeGreaterThan(0);
    sel!.release();
    // A window the ring never saw.
    expect(await ring.select(4_000, 7_000)).toBeNull();
    // Starts at the keyframe before the window: 9.1 s lies in the segment that began at 9 s.
    const mid = await ring.select(9_100, 10_000);
    expect(mid!.startMs).toBe(9_000);
    mid!.release();
    await ring.close();
  });

  it("coveredUntil is null once the connection ended: a clip waiting for more video stops waiting", async () => {
    const clock = { now: 0 };
    const ring = new SegmentRing({ dir: ringDir(), now: () => clock.now });
    ring.startRun(Buffer.from("INIT;"));
    feed(ring, clock, 5, 5);
    expect(ring.coveredUntil()).toBe(1_000);
    ring.endRun();
    expect(ring.coveredUntil()).toBeNull();
    await ring.close();
  });

  it("a failed write (here: the directory vanished) costs that segment only, is reported, and the ring goes on", async () => {
    const clock = { now: 0 };
    const dir = ringDir();
    const errors: Error[] = [];
    const ring = new SegmentRing({ dir, now: () => clock.now, onWriteError: (e) => errors.push(e) });
    ring.startRun(Buffer.from("INIT;"));
    feed(ring, clock, 5, 5, "a");
    await ring.flushed();
    rmSync(dir, { recursive: true, force: true });
    feed(ring, clock, 5, 5, "b"); // its file cannot be created
    await ring.flushed();
    expect(errors.length).toBeGreaterThan(0);
    expect(ring.coveredUntil()).toBeNull(); // the newest segment is broken
    expect(ring.writeErrors).toBeGreaterThan(0);
    const sel = await ring.select(0, 2_000);
    // Only the intact first segment is offered (its file is gone too, but that is the cutter's to find).
    expect(sel?.parts).toHaveLength(1);
    sel?.release();
    await ring.close();
  });
});

import { describe, expect, it, vi } from "vitest";
import { LiveHub, type LiveSink } from "./live-hub.js";
import type { Fragment, InitSegment } from "./mp4-fragments.js";

const init: InitSegment = { data: Buffer.from("INIT"), codec: "avc1.64001f", timescale: 90_000, defaults: { duration: 0, flags: 0 } };
const frag = (name: string, keyframe: boolean): Fragment => ({ data: Buffer.from(name), keyframe, durationMs: 200, decodeTimeMs: 0, samples: 5 });

/** A viewer that records what it got; `keepUp` says whether its buffer has room. */
function viewer(keepUp: () => boolean = () => true) {
  const got: string[] = [];
  let ended = false;
  const sink: LiveSink = {
    write: (d) => (got.push(d.toString()), keepUp()),
    end: () => void (ended = true),
  };
  return { sink, got, ended: () => ended };
}

describe("LiveHub", () => {
  it("gives a newcomer the init segment and the fragments since the last keyframe, then the live ones", () => {
    const hub = new LiveHub();
    hub.setInit(init);
    for (const [n, k] of [["k1", true], ["a", false], ["k2", true], ["b", false], ["c", false]] as const) hub.pushFragment(frag(n, k));
    const v = viewer();
    const r = hub.subscribe(v.sink);
    expect(r.ok && r.viewer.codec).toBe("avc1.64001f");
    hub.pushFragment(frag("d", false));
    expect(v.got).toEqual(["INIT", "k2", "b", "c", "d"]);
    expect(hub.viewerCount).toBe(1);
  });

  it("is not ready before the first keyframe: fragments before it are nothing a player can start from", async () => {
    const hub = new LiveHub();
    expect(hub.subscribe(viewer().sink)).toEqual({ ok: false, reason: "no_video" });
    hub.setInit(init);
    hub.pushFragment(frag("x", false));
    expect(hub.ready).toBe(false);
    const ready = hub.whenReady(5_000);
    hub.pushFragment(frag("k", true));
    expect(await ready).toBe(true);
    const v = viewer();
    hub.subscribe(v.sink);
    expect(v.got).toEqual(["INIT", "k"]);
  });

  it("whenReady answers false after its timeout, and at once when the hub closes", async () => {
    vi.useFakeTimers();
    try {
      const hub = new LiveHub();
      const late = hub.whenReady(1_000);
      vi.advanceTimersByTime(1_001);
      expect(await late).toBe(false);
      const waiting = hub.whenReady(60_000);
      hub.close();
      expect(await waiting).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuses a viewer beyond maxViewers, and takes one again once another left", () => {
    const hub = new LiveHub({ maxViewers: 2 });
    hub.setInit(init);
    hub.pushFragment(frag("k", true));
    const a = hub.subscribe(viewer().sink);
    expect(hub.subscribe(viewer().sink).ok).toBe(true);
    expect(hub.subscribe(viewer().sink)).toEqual({ ok: false, reason: "full" });
    if (a.ok) a.viewer.close();
    expect(hub.viewerCount).toBe(1);
    expect(hub.subscribe(viewer().sink).ok).toBe(true);
  });

  it("drops a viewer that stays behind longer than maxBehindMs; the others get every fragment, nothing waits", () => {
    let now = 0;
    const hub = new LiveHub({ maxBehindMs: 1_000, now: () => now });
    hub.setInit(init);
    hub.pushFragment(frag("k", true));
    const fast = viewer();
    const slow = viewer(() => false);
    hub.subscribe(fast.sink);
    hub.subscribe(slow.sink);
    for (let i = 0; i < 10; i++) {
      now += 200;
      hub.pushFragment(frag(`f${i}`, false));
    }
    expect(slow.ended()).toBe(true);
    expect(hub.droppedSlow).toBe(1);
    expect(hub.viewerCount).toBe(1);
    // Dropped after ~1 s of "behind": it got the fragments up to then, and nothing after.
    expect(slow.got.length).toBeLessThan(fast.got.length);
    expect(fast.got).toEqual(["INIT", "k", ...Array.from({ length: 10 }, (_, i) => `f${i}`)]);
  });

  it("keeps a viewer that falls behind briefly and catches up", () => {
    let now = 0;
    let room = true;
    const hub = new LiveHub({ maxBehindMs: 1_000, now: () => now });
    hub.setInit(init);
    hub.pushFragment(frag("k", true));
    const v = viewer(() => room);
    hub.subscribe(v.sink);
    for (let i = 0; i < 20; i++) {
      now += 200;
      room = i % 4 !== 0; // behind for one fragment in four: never 1 s in a row
      hub.pushFragment(frag(`f${i}`, false));
    }
    expect(v.ended()).toBe(false);
    expect(hub.viewerCount).toBe(1);
  });

  it("drops a viewer whose sink throws, without failing the push", () => {
    const hub = new LiveHub();
    hub.setInit(init);
    hub.pushFragment(frag("k", true));
    const ok = viewer();
    hub.subscribe({ write: () => { throw new Error("socket gone"); }, end: () => undefined });
    hub.subscribe(ok.sink);
    expect(() => hub.pushFragment(frag("a", false))).not.toThrow();
    expect(hub.viewerCount).toBe(1);
    expect(ok.got.at(-1)).toBe("a");
  });

  it("ends every viewer when the camera's connection ends; a closed viewer gets nothing more", () => {
    const hub = new LiveHub();
    hub.setInit(init);
    hub.pushFragment(frag("k", true));
    const a = viewer();
    const b = viewer();
    const sub = hub.subscribe(a.sink);
    hub.subscribe(b.sink);
    if (sub.ok) sub.viewer.close();
    hub.pushFragment(frag("x", false));
    expect(a.got).toEqual(["INIT", "k"]);
    hub.runEnded();
    expect(b.ended()).toBe(true);
    expect(a.ended()).toBe(false); // it had left already
    expect(hub.viewerCount).toBe(0);
    expect(hub.ready).toBe(false);
  });

  it("bounds the newcomer's backlog for a camera that never sends another keyframe", () => {
    const hub = new LiveHub({ maxGopFragments: 3 });
    hub.setInit(init);
    hub.pushFragment(frag("k", true));
    for (let i = 0; i < 5; i++) hub.pushFragment(frag(`f${i}`, false));
    // The cache was given up: a newcomer waits for the next keyframe instead of a huge backlog.
    expect(hub.ready).toBe(false);
    hub.pushFragment(frag("k2", true));
    const v = viewer();
    hub.subscribe(v.sink);
    expect(v.got).toEqual(["INIT", "k2"]);
  });
});

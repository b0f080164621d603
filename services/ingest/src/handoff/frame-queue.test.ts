import { describe, expect, it } from "vitest";
import type { Frame, FrameSink } from "@vigil/contracts";
import { FrameQueue } from "./frame-queue.js";

function frame(seq: number): Frame {
  return { schemaVersion: 1, cameraId: "c1", seq, captureTs: seq, width: 1, height: 1, format: "rgb24", analytics: ["plates"], data: Buffer.alloc(3) };
}

/** A sink whose submits complete only when the test says so. */
function manualSink() {
  const pending: { frame: Frame; done: () => void; fail: (e: Error) => void }[] = [];
  const sink: FrameSink = {
    submit: (f) => new Promise<void>((resolve, reject) => pending.push({ frame: f, done: resolve, fail: reject })),
  };
  return { sink, pending };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("FrameQueue", () => {
  it("keeps one submit in flight and drops the oldest waiting frames when the sink is slow", async () => {
    const { sink, pending } = manualSink();
    const dropped: number[] = [];
    const q = new FrameQueue(sink, 2, { onDrop: (f) => dropped.push(f.seq) });
    for (let i = 0; i < 6; i++) q.push(frame(i));
    expect(pending.map((p) => p.frame.seq)).toEqual([0]);
    expect(q.depth).toBe(2);
    expect(dropped).toEqual([1, 2, 3]);
    expect(q.dropped).toBe(3);

    pending[0]!.done();
    await tick();
    expect(pending.map((p) => p.frame.seq)).toEqual([0, 4]);
    pending[1]!.done();
    await tick();
    pending[2]!.done();
    await tick();
    expect(pending.map((p) => p.frame.seq)).toEqual([0, 4, 5]);
    expect(q.delivered).toBe(3);
    expect(q.depth).toBe(0);
  });

  it("never holds more than capacity frames whatever is pushed", async () => {
    const { sink } = manualSink();
    const q = new FrameQueue(sink, 3);
    for (let i = 0; i < 1000; i++) q.push(frame(i));
    expect(q.depth).toBe(3);
    expect(q.dropped).toBe(1000 - 3 - 1);
  });

  it("counts sink errors and carries on with the next frame", async () => {
    const { sink, pending } = manualSink();
    const errors: string[] = [];
    const q = new FrameQueue(sink, 2, { onError: (e) => errors.push((e as Error).message) });
    q.push(frame(0));
    q.push(frame(1));
    pending[0]!.fail(new Error("inference crashed"));
    await tick();
    expect(errors).toEqual(["inference crashed"]);
    expect(pending.map((p) => p.frame.seq)).toEqual([0, 1]);
  });

  it("passes the frame object itself to the sink (no copy)", async () => {
    const seen: Frame[] = [];
    const q = new FrameQueue({ submit: async (f) => void seen.push(f) }, 2);
    const f = frame(7);
    q.push(f);
    await tick();
    expect(seen[0]).toBe(f);
    expect(seen[0]!.data).toBe(f.data);
  });

  it("says when it is done with each frame, whichever way it left: delivered, failed, dropped or discarded by close", async () => {
    const { sink, pending } = manualSink();
    const done: number[] = [];
    const q = new FrameQueue(sink, 1, { onDone: (f) => done.push(f.seq) });
    q.push(frame(0)); // in flight
    q.push(frame(1)); // waiting
    q.push(frame(2)); // drops 1
    expect(done).toEqual([1]);
    pending[0]!.done(); // 0 delivered, 2 goes in flight
    await tick();
    expect(done).toEqual([1, 0]);
    pending[1]!.fail(new Error("inference crashed"));
    await tick();
    expect(done).toEqual([1, 0, 2]);
    q.push(frame(3)); // in flight
    q.push(frame(4)); // waiting
    const closing = q.close(50);
    expect(done).toEqual([1, 0, 2, 4]); // discarded at once
    q.push(frame(5)); // after close: not taken
    expect(done).toEqual([1, 0, 2, 4, 5]);
    pending[2]!.done();
    await closing;
    await tick();
    expect(done).toEqual([1, 0, 2, 4, 5, 3]);
  });
});

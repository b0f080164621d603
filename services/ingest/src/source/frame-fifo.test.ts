import { existsSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FrameFifo } from "./frame-fifo.js";
import { PpmFrameReader, type RawFrame } from "./ppm-frame-reader.js";

const ppm = (w: number, h: number, fill: number) => Buffer.concat([Buffer.from(`P6\n${w} ${h}\n255\n`), Buffer.alloc(w * h * 3, fill)]);

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("FrameFifo", () => {
  it("reads what a writer puts in the FIFO straight into frames, and leaves nothing behind once removed", async () => {
    const fifo = await FrameFifo.create();
    expect(fifo).toBeDefined();
    const frames: RawFrame[] = [];
    const opening = fifo!.open(new PpmFrameReader((f) => frames.push(f)), (err) => {
      throw err;
    });
    // A frame larger than the pipe's 64 KiB, then a small one: what ffmpeg's writes look like.
    writeFileSync(fifo!.path, Buffer.concat([ppm(160, 90, 5), ppm(4, 2, 9)]));
    await until(() => frames.length === 2);
    expect(frames.map((f) => [f.width, f.height, f.data.length, f.data[0], f.data.at(-1)])).toEqual([
      [160, 90, 43200, 5, 5],
      [4, 2, 24, 9, 9],
    ]);
    opening.close();
    await fifo!.remove();
    expect(existsSync(fifo!.path)).toBe(false);
  });

  it("starts each opening empty: half a frame left by a writer that died is not read as the next run's start", async () => {
    const fifo = (await FrameFifo.create())!;
    const first: RawFrame[] = [];
    const crashed = fifo.open(new PpmFrameReader((f) => first.push(f)), () => undefined);
    writeFileSync(fifo.path, ppm(160, 90, 1).subarray(0, 30_000)); // cut off mid-frame
    await new Promise((r) => setTimeout(r, 50));
    crashed.close();
    const second: RawFrame[] = [];
    const errors: Error[] = [];
    const next = fifo.open(new PpmFrameReader((f) => second.push(f)), (err) => errors.push(err));
    writeFileSync(fifo.path, ppm(4, 2, 7));
    await until(() => second.length === 1);
    expect([first.length, errors, second[0]!.data.every((b) => b === 7)]).toEqual([0, [], true]);
    next.close();
    await fifo.remove();
  });

  it("hands what is not a PPM stream to onError once, and stops reading", async () => {
    const fifo = (await FrameFifo.create())!;
    const errors: Error[] = [];
    const opening = fifo.open(new PpmFrameReader(() => undefined), (err) => errors.push(err));
    writeFileSync(fifo.path, "garbage and more garbage");
    await until(() => errors.length > 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(errors.map((e) => e.message)).toEqual(["ffmpeg output is not a PPM stream"]);
    opening.close();
    await fifo.remove();
  });
});

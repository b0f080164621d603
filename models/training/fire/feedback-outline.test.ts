/**
 * Operator feedback frames carry the boxes inference drew on them; feedback_outline.py must give the
 * verifier's training the frame without them. Checked on the artefact itself: a real street frame,
 * made into a fire snapshot by the evidence writer exactly as an alert's is, then erased by the
 * Python the training runs, and compared with the same snapshot made without boxes.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { FireBox } from "@vigil/contracts";
import { fireSnapshotJpeg } from "../../../services/inference/src/evidence/evidence-writer.js";

const HERE = import.meta.dirname;
// A fire-free clip of the cctv train split (models/training/fire/splits/cctv-train.txt): training data, not held out.
const CLIP = path.resolve(HERE, "../../../../shared/datasets/cctv-video/negatives/neg13_intersection_cctv_day.mp4");

function streetFrame(): { data: Buffer; width: number; height: number } {
  const data = execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-ss", "2", "-i", CLIP, "-frames:v", "1", "-vf", "scale=1280:720", "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"], { maxBuffer: 16 << 20 });
  return { data, width: 1280, height: 720 };
}

async function decoded(jpeg: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function erased(img: { data: Buffer; width: number; height: number }, boxes: FireBox[]): Buffer {
  return execFileSync("/usr/bin/python3", [path.join(HERE, "feedback_outline.py"), String(img.width), String(img.height), JSON.stringify(boxes.map((b) => b.bbox))], { input: img.data, maxBuffer: 16 << 20 });
}

/** The pixels within `reach` px of any box edge (where the outline and its JPEG bleed are). */
function bandPixels(width: number, height: number, boxes: FireBox[], reach: number): number[] {
  const out: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const near = boxes.some(({ bbox: [bx, by, bw, bh] }) => {
        const l = bx * width, r = (bx + bw) * width, t = by * height, b = (by + bh) * height;
        const inY = y >= t - reach && y <= b + reach, inX = x >= l - reach && x <= r + reach;
        return (inY && (Math.abs(x - l) <= reach || Math.abs(x - r) <= reach)) || (inX && (Math.abs(y - t) <= reach || Math.abs(y - b) <= reach));
      });
      if (near) out.push(y * width + x);
    }
  }
  return out;
}

const meanAbs = (a: Buffer, b: Buffer, px: number[]) => px.reduce((s, p) => s + Math.abs(a[3 * p]! - b[3 * p]!) + Math.abs(a[3 * p + 1]! - b[3 * p + 1]!) + Math.abs(a[3 * p + 2]! - b[3 * p + 2]!), 0) / (3 * px.length);
/** #ff8c00 after JPEG: red high, green middling, blue low, and far more red than blue. */
const orange = (d: Buffer, px: number[]) => px.filter((p) => d[3 * p]! > 190 && d[3 * p + 1]! > 90 && d[3 * p + 1]! < 190 && d[3 * p + 2]! < 90).length;

describe.runIf(existsSync(CLIP))("feedback_outline.py on a real fire snapshot", () => {
  it("removes the drawn outlines: no orange left in the bands, and the bands back near the unboxed snapshot", async () => {
    const frame = streetFrame();
    const boxes: FireBox[] = [
      { bbox: [0.1, 0.2, 0.25, 0.3], confidence: 0.8 },
      { bbox: [0.55, 0.05, 0.2, 0.5], confidence: 0.6 },
      // at the frame's edge: the outline is clipped there and only one side of the band exists
      { bbox: [0.0, 0.7, 0.3, 0.3], confidence: 0.7 },
    ];
    const boxed = await decoded(await fireSnapshotJpeg({ data: frame.data, width: frame.width, height: frame.height }, boxes));
    const clean = await decoded(await fireSnapshotJpeg({ data: frame.data, width: frame.width, height: frame.height }, []));
    expect([boxed.width, boxed.height]).toEqual([960, 540]);
    const band = bandPixels(boxed.width, boxed.height, boxes, 2);
    const out = erased(boxed, boxes);
    expect(out.length).toBe(boxed.data.length);

    const before = { err: meanAbs(boxed.data, clean.data, band), orange: orange(boxed.data, band) };
    const after = { err: meanAbs(out, clean.data, band), orange: orange(out, band) };
    // The drawn snapshot is visibly orange along every edge…
    expect(before.orange).toBeGreaterThan(band.length / 2);
    expect(before.err).toBeGreaterThan(40);
    // …the erased one has no more orange there than the scene itself, and is within a few levels of it.
    expect(after.orange).toBeLessThanOrEqual(orange(clean.data, band) + band.length * 0.005);
    expect(after.err).toBeLessThan(before.err / 3);
    // Away from the boxes nothing changes.
    // (chroma is filled up to 8 px beyond the stroke: JPEG smeared the orange that far)
    const far = bandPixels(boxed.width, boxed.height, boxes, 11).length;
    const changed = [...Array(boxed.width * boxed.height).keys()].filter((p) => out[3 * p] !== boxed.data[3 * p] || out[3 * p + 1] !== boxed.data[3 * p + 1] || out[3 * p + 2] !== boxed.data[3 * p + 2]).length;
    expect(changed).toBeLessThanOrEqual(far);
    console.log(`outline band ${band.length} px: mean |error| vs unboxed ${before.err.toFixed(1)} → ${after.err.toFixed(1)}, orange px ${before.orange} → ${after.orange} (scene ${orange(clean.data, band)})`);
  });
});

import { resizeRgb, type RgbImage } from "../image/rgb-image.js";
import { findModel, modelPath } from "../models/manifest.js";
import { createSession, runSingle, uint8Tensor, type ort } from "../runtime/onnx-session.js";
import { PLATE_ALPHABET, type CtcChar } from "./ctc-decode.js";

const SLOTS_ALPHABET = `${PLATE_ALPHABET}_`;

/**
 * Optional second reader: a small CNN that reads a whole plate crop (either layout) into 9
 * character slots. Fast (a few ms) but trained on a narrow set; used as a second opinion (e.g. by
 * the evaluation to flag dataset labels that both readers contradict).
 */
export class CnnPlateReader {
  readonly name = "plate-ocr-vn-cnn-64x128";
  private session: ort.InferenceSession | undefined;

  async load(options: { modelsDir: string; threads: number }): Promise<void> {
    this.session = await createSession(modelPath(findModel(this.name), options.modelsDir), { threads: options.threads });
  }

  /** Characters of each plate, padding slots removed. */
  async read(crops: readonly RgbImage[]): Promise<CtcChar[][]> {
    if (!this.session) throw new Error(`${this.name} is not loaded`);
    if (crops.length === 0) return [];
    const input = new Uint8Array(crops.length * 64 * 128 * 3);
    crops.forEach((c, n) => input.set(resizeRgb(c, 128, 64).data, n * 64 * 128 * 3));
    const { data, dims } = await runSingle(this.session, uint8Tensor(input, [crops.length, 64, 128, 3]));
    const slots = dims[1]!;
    const classes = dims[2]!;
    return crops.map((_, n) => {
      const out: CtcChar[] = [];
      for (let s = 0; s < slots; s++) {
        const row = data.subarray((n * slots + s) * classes, (n * slots + s + 1) * classes);
        const probs = softmaxIfNeeded(row);
        let best = 0;
        for (let k = 1; k < classes; k++) if (probs[k]! > probs[best]!) best = k;
        const char = SLOTS_ALPHABET[best]!;
        if (char === "_") continue;
        const alternatives = new Map<string, number>();
        for (let k = 0; k < PLATE_ALPHABET.length; k++) alternatives.set(PLATE_ALPHABET[k]!, probs[k]!);
        out.push({ char, confidence: probs[best]!, alternatives });
      }
      return out;
    });
  }

  async close(): Promise<void> {
    await this.session?.release();
    this.session = undefined;
  }
}

function softmaxIfNeeded(row: Float32Array): Float32Array {
  let sum = 0;
  let negative = false;
  for (const v of row) {
    sum += v;
    if (v < 0) negative = true;
  }
  if (!negative && Math.abs(sum - 1) < 1e-3) return row;
  const max = Math.max(...row);
  const exps = Float32Array.from(row, (v) => Math.exp(v - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((v) => v / total);
}

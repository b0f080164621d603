import { readFile } from "node:fs/promises";
import { resizeRgb, type RgbImage } from "../image/rgb-image.js";
import { findModel, modelPath } from "../models/manifest.js";
import { createSession, floatTensor, runSingle, type ort } from "../runtime/onnx-session.js";
import { ctcDecode, plateClassIndexes, type CtcChar } from "./ctc-decode.js";

const HEIGHT = 48;

export interface TextLineReader {
  readonly name: string;
  load(options: { modelsDir: string; threads: number }): Promise<void>;
  /** Reads one text line per image (batched). */
  readLines(lines: readonly RgbImage[]): Promise<CtcChar[][]>;
  close(): Promise<void>;
}

/**
 * PaddleOCR PP-OCRv4 recognition restricted to plate characters. Lines are resized to 48 px high
 * keeping their aspect ratio (up to `maxWidth`) and padded right, as PaddleOCR trains them.
 */
export class PaddleRecognizer implements TextLineReader {
  readonly name = "paddleocr-rec-v4";
  private session: ort.InferenceSession | undefined;
  private allowed: { index: number; char: string }[] = [];

  constructor(private readonly maxWidth = 320) {}

  async load(options: { modelsDir: string; threads: number }): Promise<void> {
    const keys = await readFile(modelPath(findModel("paddleocr-rec-keys"), options.modelsDir), "utf8");
    // The dictionary's last line may lack a newline; PaddleOCR appends a space class at the end.
    const dictionary = keys.split("\n").filter((_, i, all) => i < all.length - 1 || all[i] !== "");
    dictionary.push(" ");
    this.allowed = plateClassIndexes(dictionary);
    this.session = await createSession(modelPath(findModel(this.name), options.modelsDir), { threads: options.threads });
    await this.readLines([{ data: Buffer.alloc(96 * 48 * 3, 255), width: 96, height: 48 }]);
  }

  async readLines(lines: readonly RgbImage[]): Promise<CtcChar[][]> {
    if (!this.session) throw new Error(`${this.name} is not loaded`);
    if (lines.length === 0) return [];
    const widths = lines.map((l) => Math.max(16, Math.min(this.maxWidth, Math.ceil((HEIGHT * l.width) / l.height))));
    const batchWidth = Math.max(...widths);
    const plane = HEIGHT * batchWidth;
    const tensor = new Float32Array(lines.length * 3 * plane);
    lines.forEach((line, n) => {
      const w = widths[n]!;
      const resized = resizeRgb(line, w, HEIGHT);
      const base = n * 3 * plane;
      for (let y = 0; y < HEIGHT; y++) {
        for (let x = 0; x < w; x++) {
          const s = (y * w + x) * 3;
          const d = base + y * batchWidth + x;
          // PaddleOCR feeds OpenCV's BGR order.
          tensor[d] = resized.data[s + 2]! / 127.5 - 1;
          tensor[d + plane] = resized.data[s + 1]! / 127.5 - 1;
          tensor[d + 2 * plane] = resized.data[s]! / 127.5 - 1;
        }
      }
    });
    const { data, dims } = await runSingle(this.session, floatTensor(tensor, [lines.length, 3, HEIGHT, batchWidth]));
    const t = dims[1]!;
    const c = dims[2]!;
    return lines.map((_, n) => {
      const chars = ctcDecode(data.subarray(n * t * c, (n + 1) * t * c), t, c, this.allowed);
      // Positions relative to this line's own width, not the batch's padded width.
      const scale = batchWidth / widths[n]!;
      for (const ch of chars) if (ch.position !== undefined) ch.position = Math.min(1, ch.position * scale);
      return chars;
    });
  }

  async close(): Promise<void> {
    await this.session?.release();
    this.session = undefined;
  }
}


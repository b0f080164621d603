import { parsePlate, type NormalisedBox } from "@vigil/contracts";
import { cropRgb, type PixelRect, type RgbImage } from "../image/rgb-image.js";
import type { CnnPlateReader } from "../ocr/cnn-plate-reader.js";
import type { TextLineReader } from "../ocr/paddle-recognizer.js";
import { decodePlate, type PlateDecode } from "./plate-decode.js";
import { splitPlateLines } from "./plate-layout.js";

export interface PlateReading extends PlateDecode {
  /** The crop that was read (kept for evidence). */
  crop: RgbImage;
  /** Which reader's text won. */
  reader: "paddle" | "cnn";
}

export interface PlateReaderOptions {
  /** Margin added around a detector box, as a fraction of its size on each side. */
  margin?: number;
  /** Second reader (the CNN): its reading wins when it is valid and surer than the first's. */
  second?: Pick<CnnPlateReader, "read">;
  /**
   * The second reader runs first, and a valid reading of its at this confidence or more is taken without
   * the first reader (PaddleOCR, ~15 ms a line against the CNN's ~3 ms a plate). Default
   * CNN_TRUSTED_CONFIDENCE; 1.01 turns the shortcut off.
   */
  secondTrustedAt?: number;
}

/**
 * Chosen on the even-indexed vn-plate-crops (bench/ocr-cascade.ts, BENCHMARKS.md): from 0.95 up the cascade reads as
 * many crops right as both readers always; 0.98 keeps a step of margin and skips PaddleOCR on ~73 % of crops.
 */
export const CNN_TRUSTED_CONFIDENCE = 0.98;

/**
 * Only readings of today's length (8 or 9 characters) are taken from the CNN alone: when it drops a character it
 * can still make a valid older plate (51E-531.52 read as 51E-5315, confident, on the demo video). On the crops this
 * costs nothing (PaddleOCR skipped on 73.2 % instead of 73.9 %, the same exact reads).
 */
const CNN_TRUSTED_MIN_LENGTH = 8;

/** Pixel rectangle of a normalised box grown by a margin. */
export function boxToRect(box: NormalisedBox, image: { width: number; height: number }, margin: number): PixelRect {
  const [x, y, w, h] = box;
  const mx = w * margin;
  const my = h * margin;
  return {
    x: (x - mx) * image.width,
    y: (y - my) * image.height,
    w: (w + 2 * mx) * image.width,
    h: (h + 2 * my) * image.height,
  };
}

/**
 * Reads one plate: crop (with margin) → layout (one or two rows) → OCR per line → format-aware
 * decoding. Pure orchestration over an injected line reader so other OCR models plug in.
 */
export class PlateReader {
  private readonly margin: number;
  private readonly second: Pick<CnnPlateReader, "read"> | undefined;
  private readonly secondTrustedAt: number;

  constructor(
    private readonly reader: TextLineReader,
    options: PlateReaderOptions = {},
  ) {
    this.margin = options.margin ?? 0.03;
    this.second = options.second;
    this.secondTrustedAt = options.secondTrustedAt ?? CNN_TRUSTED_CONFIDENCE;
  }

  async readBox(image: RgbImage, box: NormalisedBox): Promise<PlateReading> {
    const crop = cropRgb(image, boxToRect(box, image, this.margin));
    return this.readCrop(crop);
  }

  /** Reads an already cropped plate (tight crop, as the dataset's). */
  async readCrop(crop: RgbImage): Promise<PlateReading> {
    const layout = splitPlateLines(crop);
    const other = this.second ? await this.readSecond(crop, layout.rows) : undefined;
    if (other?.valid && other.confidence >= this.secondTrustedAt && other.plate.length >= CNN_TRUSTED_MIN_LENGTH) return other;
    const lines = await this.reader.readLines(layout.lines);
    const first: PlateReading = { ...decodePlate(lines), crop, reader: "paddle" };
    if (!other) return first;
    if (other.valid && other.plate === first.plate) return { ...first, confidence: Math.max(first.confidence, other.confidence) };
    return other.valid && (!first.valid || other.confidence > first.confidence) ? other : first;
  }

  private async readSecond(crop: RgbImage, rows: 1 | 2): Promise<PlateReading> {
    const [chars] = await this.second!.read([crop]);
    const decoded = decodePlate([chars ?? []]);
    // The CNN reads both layouts as one sequence; the row layout is the crop's (plate-layout), as the first reader's.
    return { ...decoded, rows, display: parsePlate(decoded.plate, { rows }).display, crop, reader: "cnn" };
  }
}

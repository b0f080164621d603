import { yuv420ToHalfRgb, yuv420ToRgb, type PlanarTarget } from "@vigil/contracts";
import type { RgbImage } from "../detectors/detector.js";
import { clampRect, cropRgb, type PixelRect } from "./rgb-image.js";

/**
 * A frame that ingest handed over as YUV 4:2:0 (contracts' frame-pixels.ts), seen as an RgbImage
 * that makes RGB only of what is looked at. Every frame is looked at in two small pictures (the
 * plate detector's 640 × 360, the fire grid's 384 × 224): both come from `half()`, made straight from the
 * planes. Crops (plate reading, the fire verifier, motion windows) convert only their rectangle
 * (`crop`). The full-size RGB (`data`) is made on first use only: evidence of an event, a detector
 * that needs the whole picture. Any RgbImage consumer therefore still works; the hot path avoids
 * `data` (yuv420-image.test.ts counts it).
 */
export class Yuv420Image implements RgbImage {
  private rgb: Buffer | undefined;
  private halfImage: RgbImage | undefined;

  constructor(
    /** Y plane, then the chroma rows (frame-pixels.ts); lent, like any frame's pixels: valid while the frame is processed. */
    readonly yuv: Uint8Array,
    readonly width: number,
    readonly height: number,
  ) {
    if (width % 2 !== 0 || height % 2 !== 0 || yuv.length !== (width * height * 3) / 2) {
      throw new Error(`yuv420 frame of ${width}x${height} needs even sides and ${(width * height * 3) / 2} bytes, has ${yuv.length}`);
    }
  }

  /** The whole picture as packed RGB, converted on first use. */
  get data(): Buffer {
    if (!this.rgb) this.rgb = yuv420ToRgb(this.yuv, this.width, this.height, undefined, Buffer.allocUnsafe(this.width * this.height * 3)) as Buffer;
    return this.rgb;
  }

  /** Whether the full-size RGB has been made (for tests and the hot-path check). */
  get convertedInFull(): boolean {
    return this.rgb !== undefined;
  }

  /** The picture at half width and height (2 × 2 block means), made once per frame. */
  half(): RgbImage {
    return this.halfImage ?? this.makeHalf();
  }

  /**
   * Whether the half picture was written into `planar` (a model's NCHW input, as contracts'
   * yuv420ToHalfRgb takes it) while being made: true the first time, in the same pass (the plate
   * detector asks first, the fire grid then resizes the same half picture); false once it exists,
   * and the caller copies it.
   */
  makeHalfInto(planar: PlanarTarget): boolean {
    if (this.halfImage) return false;
    this.makeHalf(planar);
    return true;
  }

  private makeHalf(planar?: PlanarTarget): RgbImage {
    const w = this.width / 2;
    const h = this.height / 2;
    this.halfImage = { data: yuv420ToHalfRgb(this.yuv, this.width, this.height, Buffer.allocUnsafe(w * h * 3), planar) as Buffer, width: w, height: h };
    return this.halfImage;
  }

  /**
   * A rectangle as packed RGB, converted from the planes now (clamped to the picture, as cropRgb does;
   * cropRgb calls this): a copy that outlives the frame, unlike a Yuv420Window.
   */
  crop(rect: PixelRect): RgbImage {
    const window = new Yuv420Window(this, rect);
    return { data: window.data, width: window.width, height: window.height };
  }

  /**
   * Grey (0..255, full range) at one pixel, from Y alone: Y' is BT.601 luma in 16..235, and the
   * RGB grey the motion gate used, (77 R + 150 G + 29 B) / 256, is the same luma at full range.
   */
  greyAt(x: number, y: number): number {
    const g = (298 * (this.yuv[y * this.width + x]! - 16) + 128) >> 8;
    return g < 0 ? 0 : g > 255 ? 255 : g;
  }
}

/**
 * A rectangle of a YUV frame that converts when first used, so that a model whose input it exactly is
 * (the plate detector's 640×384 window around motion, plates/motion-crop.ts) gets it written into
 * its input in the conversion's own pass (`makeInto`), as the half picture is. Only for a look that
 * ends before the frame does: unlike `Yuv420Image.crop`, it reads the frame's planes when used.
 */
export class Yuv420Window implements RgbImage {
  private rgb: Buffer | undefined;
  readonly width: number;
  readonly height: number;
  private readonly rect: { x0: number; y0: number; x1: number; y1: number };

  constructor(
    private readonly frame: Yuv420Image,
    rect: PixelRect,
  ) {
    this.rect = clampRect(rect, frame.width, frame.height);
    this.width = this.rect.x1 - this.rect.x0;
    this.height = this.rect.y1 - this.rect.y0;
  }

  get data(): Buffer {
    return this.rgb ?? this.convert();
  }

  /** True when the window was written into `planar` while converted (its first use); false: the caller copies `data`. */
  makeInto(planar: PlanarTarget): boolean {
    if (this.rgb) return false;
    this.convert(planar);
    return true;
  }

  private convert(planar?: PlanarTarget): Buffer {
    const f = this.frame;
    this.rgb = yuv420ToRgb(f.yuv, f.width, f.height, this.rect, Buffer.allocUnsafe(this.width * this.height * 3), planar) as Buffer;
    return this.rgb;
  }
}

/** A window for one look of a detector: converted lazily from a YUV frame (Yuv420Window), copied from an RGB one. */
export function detectorWindow(image: RgbImage, rect: PixelRect): RgbImage {
  return image instanceof Yuv420Image ? new Yuv420Window(image, rect) : cropRgb(image, rect);
}

/**
 * The smallest picture at least `width` × `height` that shows the whole frame: a YUV frame's half
 * picture when that is big enough, else the image itself. For consumers that shrink the frame
 * anyway (the fire grid's resize, colour statistics on a sparse grid).
 */
export function pictureForSize(image: RgbImage, width: number, height: number): RgbImage {
  if (image instanceof Yuv420Image && image.width / 2 >= width && image.height / 2 >= height) return image.half();
  return image;
}

/**
 * What the plate-crop benches (ingest-scaler-plates, ingest-deblock-plates) share: the service's plate
 * reader as inference runs it, the width ingest's 1920 → 1280 scale gives a picture, and the pixels of a
 * PPM picture ffmpeg wrote.
 */
import { CnnPlateReader } from "../../services/inference/src/ocr/cnn-plate-reader.js";
import { PaddleRecognizer } from "../../services/inference/src/ocr/paddle-recognizer.js";
import { PlateReader } from "../../services/inference/src/plates/plate-reader.js";

export interface PpmPicture {
  data: Buffer;
  width: number;
  height: number;
}

/** PaddleOCR rec with the CNN second look (where its model is there), one onnxruntime thread each. */
export async function servicePlateReader(modelsDir: string): Promise<{ reader: PlateReader; close: () => Promise<void> }> {
  const load = { modelsDir, threads: 1 };
  const recognizer = new PaddleRecognizer();
  const cnn = new CnnPlateReader();
  await recognizer.load(load);
  const reader = new PlateReader(recognizer, (await cnn.load(load).then(() => true, () => false)) ? { second: cnn } : {});
  return { reader, close: async () => void (await Promise.all([recognizer.close(), cnn.close()])) };
}

/** A picture's width after ingest's 1920 → 1280 scale: 2/3, even (as YUV 4:2:0 needs), at least 16. */
export function ingestScaledWidth(width: number): number {
  return Math.max(16, 2 * Math.round((width * 2) / 3 / 2));
}

/** The pixels and size of one binary PPM (P6) picture; `what` names it in the error. */
export function ppmPicture(buf: Buffer, what: string): PpmPicture {
  const header = /^P6\n(\d+) (\d+)\n255\n/.exec(buf.subarray(0, 32).toString("latin1"));
  if (!header) throw new Error(`no picture for ${what}`);
  return { data: buf.subarray(header[0].length), width: Number(header[1]), height: Number(header[2]) };
}

import { readFile } from "node:fs/promises";
import path from "node:path";
import type { NormalisedBox } from "@vigil/contracts";

export interface CropSample {
  file: string;
  kind: string;
  label: string;
}

export interface FrameBoxLabel {
  frame: string;
  boxIndex: number;
  bbox: NormalisedBox;
  rows: 1 | 2;
  plate: string;
  legible: boolean;
}

function csvRows(text: string): string[][] {
  return text
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l.trim() !== "")
    .map((l) => l.trim().split(","));
}

/** `vn-plate-crops/labels.csv`: image, kind, text_alnum, … */
export async function loadCropSamples(datasetsDir: string): Promise<CropSample[]> {
  const dir = path.join(datasetsDir, "vn-plate-crops");
  const rows = csvRows(await readFile(path.join(dir, "labels.csv"), "utf8"));
  return rows.map(([image, kind, label]) => ({ file: path.join(dir, "images", image!), kind: kind!, label: label! }));
}

/** YOLO boxes of a frame (`0 cx cy w h` per line) as [x, y, w, h]. */
export async function loadFrameBoxes(datasetsDir: string, frame: string): Promise<NormalisedBox[]> {
  const text = await readFile(path.join(datasetsDir, "vn-plate-frames", "boxes", `${frame}.txt`), "utf8").catch(() => "");
  return text
    .split(/\r?\n/)
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter((v) => v.length >= 5 && v.every(Number.isFinite))
    .map(([, cx, cy, w, h]) => [cx! - w! / 2, cy! - h! / 2, w!, h!] as NormalisedBox);
}

/** Human-checked plate text for the labelled frames (`labels.csv`). */
export async function loadFrameLabels(datasetsDir: string): Promise<FrameBoxLabel[]> {
  const rows = csvRows(await readFile(path.join(datasetsDir, "vn-plate-frames", "labels.csv"), "utf8"));
  return rows.map(([frame, boxIndex, cx, cy, w, h, rows, , plate, , legible]) => ({
    frame: frame!,
    boxIndex: Number(boxIndex),
    bbox: [Number(cx) - Number(w) / 2, Number(cy) - Number(h) / 2, Number(w), Number(h)] as NormalisedBox,
    rows: rows === "1" ? 1 : 2,
    plate: plate!,
    legible: legible === "yes",
  }));
}

export function frameImagePath(datasetsDir: string, frame: string): string {
  return path.join(datasetsDir, "vn-plate-frames", "images", `${frame}.jpg`);
}

/** Frames in clip order (clip name, then numeric index). */
export function sortFrames(names: readonly string[]): string[] {
  const key = (n: string) => {
    const m = /^(.*)_(\d+)$/.exec(n);
    return m ? ([m[1]!, Number(m[2])] as const) : ([n, 0] as const);
  };
  return [...names].sort((a, b) => {
    const [ca, ia] = key(a);
    const [cb, ib] = key(b);
    return ca < cb ? -1 : ca > cb ? 1 : ia - ib;
  });
}

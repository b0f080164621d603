/**
 * Evidence bytes per plate read: the service's EvidenceWriter on real 1920×1080 street frames
 * (../shared/datasets/vn-plate-frames/images with their plate boxes), each first scaled to ingest's
 * output width (1280, INGEST_FRAME_WIDTH), as inference receives them. Compares the old snapshot
 * settings (1280 px, quality 80) with the defaults (EVIDENCE_SNAPSHOT_WIDTH 960, EVIDENCE_JPEG_QUALITY 75);
 * the plate crop is full resolution in both. Prints bytes per read, MB per camera-day at one read/min,
 * and the CPU one write costs (snapshot with its box drawn + crop, encoded, hashed and written; all threads).
 *   npx tsx bench/evidence-size.ts
 */
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { DEFAULT_EVIDENCE, EvidenceWriter } from "../services/inference/src/evidence/evidence-writer.js";

const frames = path.resolve(import.meta.dirname, "../../shared/datasets/vn-plate-frames");
const names = (await readdir(path.join(frames, "images"))).filter((f) => f.endsWith(".jpg")).sort();

interface Sample {
  frame: { data: Buffer; width: number; height: number };
  box: [number, number, number, number];
  crop: { data: Buffer; width: number; height: number };
}
const samples: Sample[] = [];
for (const name of names) {
  const boxes = (await readFile(path.join(frames, "boxes", name.replace(/\.jpg$/, ".txt")), "utf8").catch(() => "")).trim().split("\n").filter(Boolean);
  if (boxes.length === 0) continue;
  const [, cx, cy, w, h] = boxes[0]!.split(/\s+/).map(Number) as [number, number, number, number, number];
  const { data, info } = await sharp(path.join(frames, "images", name)).resize(1280).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const box: [number, number, number, number] = [cx - w / 2, cy - h / 2, w, h];
  const left = Math.max(0, Math.round(box[0] * info.width)), top = Math.max(0, Math.round(box[1] * info.height));
  const cw = Math.max(1, Math.min(info.width - left, Math.round(w * info.width))), ch = Math.max(1, Math.min(info.height - top, Math.round(h * info.height)));
  const crop = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).extract({ left, top, width: cw, height: ch }).raw().toBuffer();
  samples.push({ frame: { data, width: info.width, height: info.height }, box, crop: { data: crop, width: cw, height: ch } });
}

async function measure(label: string, maxWidth: number, quality: number): Promise<number> {
  const dir = await mkdtemp(path.join(tmpdir(), "vigil-evidence-bench-"));
  const writer = new EvidenceWriter({ mediaDir: dir, maxWidth, quality });
  let bytes = 0;
  const cpu0 = process.cpuUsage();
  for (const [i, s] of samples.entries()) {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
    const paths = await writer.write("bench", id, new Date(), s.frame, s.box, s.crop);
    for (const p of [paths.snapshot, paths.crop]) if (p) bytes += (await stat(path.join(dir, p.replace(/^\/media\//, "")))).size;
  }
  const cpu = process.cpuUsage(cpu0);
  await rm(dir, { recursive: true, force: true });
  const perRead = bytes / samples.length;
  const cpuMs = (cpu.user + cpu.system) / 1000 / samples.length;
  console.log(`${label.padEnd(34)} ${(perRead / 1024).toFixed(1).padStart(6)} KiB per read (snapshot + crop)   ${((perRead * 60 * 24) / 1e6).toFixed(1).padStart(6)} MB per camera-day at 1 read/min   ${cpuMs.toFixed(1).padStart(5)} ms CPU per write`);
  return perRead;
}

console.log(`evidence-size: ${samples.length} real street frames (vn-plate-frames, scaled to 1280 px), one plate each`);
const before = await measure("before: 1280 px, quality 80", 1280, 80);
const after = await measure(`default: ${DEFAULT_EVIDENCE.snapshotWidth} px, quality ${DEFAULT_EVIDENCE.jpegQuality}`, DEFAULT_EVIDENCE.snapshotWidth, DEFAULT_EVIDENCE.jpegQuality);
console.log(`ratio default / before: ${(after / before).toFixed(2)}`);

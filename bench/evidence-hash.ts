/**
 * What hashing evidence costs on the inference path (#19: target ≤ 1 ms per event). The service's
 * EvidenceWriter writes each real 1920×1080 street frame of ../shared/datasets/vn-plate-frames (scaled
 * to ingest's 1280 px, one boxed plate, snapshot + crop, the defaults) and returns SHA-256 of each file
 * from the buffer it wrote. Prints the writer's time per event, and the SHA-256 part alone: the same
 * bytes hashed again, many times (CPU time of `createHash` over the event's snapshot + crop).
 *   npx tsx bench/evidence-hash.ts
 */
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { EvidenceWriter } from "../services/inference/src/evidence/evidence-writer.js";

const frames = path.resolve(import.meta.dirname, "../../shared/datasets/vn-plate-frames");
const names = (await readdir(path.join(frames, "images"))).filter((f) => f.endsWith(".jpg")).sort();
const dir = await mkdtemp(path.join(tmpdir(), "vigil-evidence-hash-"));
const writer = new EvidenceWriter({ mediaDir: dir });
const events: Buffer[][] = [];
let writeMs = 0;
for (const [i, name] of names.entries()) {
  const { data, info } = await sharp(path.join(frames, "images", name)).resize(1280).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const box: [number, number, number, number] = [0.4, 0.6, 0.12, 0.05];
  const crop = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
    .extract({ left: Math.round(0.4 * info.width), top: Math.round(0.6 * info.height), width: Math.round(0.12 * info.width), height: Math.round(0.05 * info.height) })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const t0 = performance.now();
  const paths = await writer.write("cam-1", `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, new Date(), { data, width: info.width, height: info.height }, box, { data: crop.data, width: crop.info.width, height: crop.info.height });
  writeMs += performance.now() - t0;
  const files = [paths.snapshot!, paths.crop!].map((u) => readFile(path.join(dir, u.slice("/media/".length))));
  events.push(await Promise.all(files));
  // The returned hash is the file's: checked here so the figure below is of the real thing.
  if (createHash("sha256").update(events.at(-1)![0]!).digest("hex") !== paths.snapshotSha256) throw new Error("snapshot hash differs from the file");
}
const bytes = events.reduce((s, e) => s + e[0]!.length + e[1]!.length, 0) / events.length;

const rounds = 200;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let r = 0; r < rounds; r++) for (const e of events) for (const b of e) createHash("sha256").update(b).digest("hex");
const wall = (performance.now() - t0) / (rounds * events.length);
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000 / (rounds * events.length);
await rm(dir, { recursive: true, force: true });

console.log(`${events.length} events (real frames), ${(bytes / 1024).toFixed(1)} KiB of evidence per event (snapshot + crop)`);
console.log(`evidence write per event (encode + write + hash): ${(writeMs / events.length).toFixed(1)} ms`);
console.log(`SHA-256 per event: ${wall.toFixed(3)} ms wall, ${cpuMs.toFixed(3)} ms CPU (${((bytes / 1e6) / (wall / 1000)).toFixed(0)} MB/s) — target ≤ 1 ms: ${wall <= 1 ? "PASS" : "MISS"}`);
console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(" / ")}`);

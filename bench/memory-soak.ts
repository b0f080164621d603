/**
 * Resident memory of the whole system as `npm start` runs it (one Node process: alerts + inference +
 * ingest, embedded MQTT broker and PGlite; plus one ffmpeg per camera), at idle (no cameras) and
 * under load (SOAK_CAMERAS 1080p25 cameras at 2 fps, plates and fire), then a bounded soak that
 * samples RSS every SAMPLE_S and fits a line to it: memory must not grow.
 *   npx tsx bench/memory-soak.ts          (SOAK_MINUTES=30, SOAK_CAMERAS=4, IDLE_S=30, SAMPLE_S=10)
 * Verdict: after a warm-up (caches, JIT, ONNX arenas, PGlite: the first fifth of the soak, or its
 * first half up to 3 min for short soaks), the fitted slope × soak length stays under 5 % of the
 * mean Node RSS, and the last quarter's mean is within 5 % of the first quarter's.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { getFreePort } from "../test/support/ports.js";
import { clip1080, commOf, descendants, load, MODELS_DIR, rssMiB, sleep } from "./e2e-bench-util.js";

const SOAK_MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const SOAK_CAMERAS = Number(process.env.SOAK_CAMERAS ?? 4);
const IDLE_S = Number(process.env.IDLE_S ?? 30);
const SAMPLE_S = Number(process.env.SAMPLE_S ?? 10);
const REPO = path.resolve(import.meta.dirname, "..");

interface System {
  proc: ChildProcess;
  output: () => string;
  inferencePort: number;
  stop(): Promise<void>;
}

async function startSystem(cameras: unknown[], dataDir: string): Promise<System> {
  const camerasFile = path.join(dataDir, `cameras-${cameras.length}.json`);
  await writeFile(camerasFile, JSON.stringify(cameras));
  const inferencePort = await getFreePort();
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(await getFreePort()),
    INFERENCE_PORT: String(inferencePort),
    INGEST_PORT: String(await getFreePort()),
    DATA_DIR: dataDir,
    MODELS_DIR,
    CAMERAS_FILE: camerasFile,
    VIGIL_ADMIN_PASSWORD: "soak-admin-password-1",
    LOG_LEVEL: "warn",
  };
  delete env.MQTT_URL;
  delete env.DATABASE_URL;
  // Node directly (not through npm) so that the pid measured is Vigil's own process.
  const proc = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const started = Date.now();
  while (!out.includes("Vigil is running")) {
    if (proc.exitCode !== null) throw new Error(`vigil exited: ${out.slice(-3000)}`);
    if (Date.now() - started > 180_000) throw new Error(`not ready in 180 s: ${out.slice(-3000)}`);
    await sleep(200);
  }
  return {
    proc,
    output: () => out,
    inferencePort,
    async stop() {
      if (proc.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => proc.kill("SIGKILL"), 25_000);
        proc.once("exit", () => {
          clearTimeout(t);
          resolve();
        });
        proc.kill("SIGINT");
      });
    },
  };
}

function sample(pid: number): { node: number; ffmpeg: number; ffmpegCount: number } {
  let ffmpeg = 0;
  let ffmpegCount = 0;
  for (const p of descendants(pid)) {
    if (commOf(p) === "ffmpeg") {
      ffmpeg += rssMiB(p);
      ffmpegCount++;
    }
  }
  return { node: rssMiB(pid), ffmpeg, ffmpegCount };
}

/** Least-squares slope (MiB per minute) of (minute, MiB) points. */
function slope(points: { t: number; v: number }[]): number {
  const n = points.length;
  const mt = points.reduce((a, p) => a + p.t, 0) / n;
  const mv = points.reduce((a, p) => a + p.v, 0) / n;
  const num = points.reduce((a, p) => a + (p.t - mt) * (p.v - mv), 0);
  const den = points.reduce((a, p) => a + (p.t - mt) ** 2, 0);
  return den ? num / den : 0;
}

async function framesProcessed(port: number): Promise<number> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return [...text.matchAll(/^vigil_inference_frames_processed_total\{[^}]*\} (\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0);
  } catch {
    return NaN;
  }
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);

async function main(): Promise<void> {
  const clip = await clip1080();
  console.log(`memory: npm start composition (embedded broker + PGlite), idle ${IDLE_S} s, then ${SOAK_CAMERAS} × 1080p25 cameras for ${SOAK_MINUTES} min, RSS every ${SAMPLE_S} s; load ${load()}`);

  // Idle: the system up with no cameras.
  const idleDir = await mkdtemp(path.join(tmpdir(), "vigil-soak-idle-"));
  const idle = await startSystem([], idleDir);
  await sleep(IDLE_S * 1000);
  const idleRss = sample(idle.proc.pid!);
  await idle.stop();
  console.log(`idle: Node ${idleRss.node.toFixed(0)} MiB (alerts + inference with models loaded + ingest + broker + PGlite), no ffmpeg`);

  // Under load, then the soak.
  const cameras = Array.from({ length: SOAK_CAMERAS }, (_, i) => ({ id: `soak-${i}`, name: `Soak ${i}`, url: clip, lat: 10.77 + i * 0.001, lon: 106.7, analytics: ["plates", "fire"], sampleFps: 2 }));
  const dir = await mkdtemp(path.join(tmpdir(), "vigil-soak-"));
  const sys = await startSystem(cameras, dir);
  const t0 = Date.now();
  const points: { t: number; node: number; ffmpeg: number; ffmpegCount: number }[] = [];
  const frames0 = await framesProcessed(sys.inferencePort);
  while (Date.now() - t0 < SOAK_MINUTES * 60_000) {
    await sleep(SAMPLE_S * 1000);
    if (sys.proc.exitCode !== null) throw new Error(`vigil died during the soak: ${sys.output().slice(-3000)}`);
    const s = sample(sys.proc.pid!);
    points.push({ t: (Date.now() - t0) / 60_000, ...s });
    if (points.length % 6 === 0) console.log(`  ${points.at(-1)!.t.toFixed(1)} min: Node ${s.node.toFixed(0)} MiB, ${s.ffmpegCount} ffmpeg ${s.ffmpeg.toFixed(0)} MiB; load ${load()}`);
  }
  const frames = (await framesProcessed(sys.inferencePort)) - frames0;
  const expected = SOAK_CAMERAS * 2 * SOAK_MINUTES * 60;
  await sys.stop();

  const warmupMin = Math.max(SOAK_MINUTES / 5, Math.min(SOAK_MINUTES / 2, 3));
  const steady = points.filter((p) => p.t >= warmupMin);
  const q = Math.max(1, Math.floor(steady.length / 4));
  const firstQ = mean(steady.slice(0, q).map((p) => p.node));
  const lastQ = mean(steady.slice(-q).map((p) => p.node));
  const nodeMean = mean(steady.map((p) => p.node));
  const s = slope(steady.map((p) => ({ t: p.t, v: p.node })));
  const sf = slope(steady.map((p) => ({ t: p.t, v: p.ffmpeg })));
  const growth = s * SOAK_MINUTES;
  const ok = steady.length >= 4 && growth < nodeMean * 0.05 && lastQ <= firstQ * 1.05;
  const peak = Math.max(...points.map((p) => p.node + p.ffmpeg));
  console.log(`\nunder load: Node mean ${nodeMean.toFixed(0)} MiB (max ${Math.max(...points.map((p) => p.node)).toFixed(0)}), ffmpeg ${mean(points.map((p) => p.ffmpeg)).toFixed(0)} MiB for ${SOAK_CAMERAS} cameras (${(mean(points.map((p) => p.ffmpeg)) / SOAK_CAMERAS).toFixed(0)} MiB each), whole system peak ${peak.toFixed(0)} MiB`);
  console.log(`soak ${SOAK_MINUTES} min, ${points.length} samples, ${frames} frames processed (${((frames / expected) * 100).toFixed(0)} % of the ${expected} sampled at 2 fps; the rest dropped as designed when inference is behind): Node slope ${(s * 60).toFixed(1)} MiB/h after a ${warmupMin.toFixed(1)} min warm-up (first quarter ${firstQ.toFixed(0)} → last quarter ${lastQ.toFixed(0)} MiB), ffmpeg slope ${(sf * 60).toFixed(1)} MiB/h`);
  console.log(`\nRESULT memory: idle ${idleRss.node.toFixed(0)} MiB; ${SOAK_CAMERAS} cameras ${nodeMean.toFixed(0)} MiB Node + ${mean(points.map((p) => p.ffmpeg)).toFixed(0)} MiB ffmpeg; growth over ${SOAK_MINUTES} min ${growth.toFixed(1)} MiB (${ok ? "PASS: no growth" : "MISS: grows"}); load ${load()}`);
  process.exit(ok ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { CameraConfigInput } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import { generateStreetVideo } from "@vigil/synthetic";

/** Bump when the demo scenes change so cached videos are regenerated. */
const DEMO_VERSION = 1;

interface DemoScene {
  camera: Omit<CameraConfigInput, "url">;
  seed: number;
  durationS: number;
  wanted: boolean;
  fire?: { startS: number; endS: number };
}

// Three cameras around Bến Thành, TP. Hồ Chí Minh. The fire scene starts early so the demo story
// (plates, a watchlist hit, a fire) plays out within the first minute.
const SCENES: DemoScene[] = [
  {
    camera: { id: "demo-ben-thanh", name: "Chợ Bến Thành — cửa Nam", lat: 10.7721, lon: 106.6983, heading: 60, fovDeg: 70, rangeM: 80, analytics: ["plates", "fire"], sampleFps: 2 },
    seed: 11,
    durationS: 30,
    wanted: true,
  },
  {
    camera: { id: "demo-le-loi", name: "Đường Lê Lợi — Pasteur", lat: 10.7745, lon: 106.7007, heading: 135, fovDeg: 65, rangeM: 70, analytics: ["plates", "fire"], sampleFps: 2 },
    seed: 23,
    durationS: 30,
    wanted: false,
    fire: { startS: 4, endS: 26 },
  },
  {
    camera: { id: "demo-ham-nghi", name: "Đại lộ Hàm Nghi", lat: 10.7712, lon: 106.7035, heading: 250, fovDeg: 80, rangeM: 90, analytics: ["plates"], sampleFps: 2 },
    seed: 37,
    durationS: 30,
    wanted: false,
  },
];

/**
 * Generates (once, then cached under DATA_DIR/demo) the demo street videos and returns cameras
 * that play them in a loop at their real rate.
 */
export async function prepareDemoCameras(dataDir: string, wantedPlate: string, logger: Logger): Promise<CameraConfigInput[]> {
  const dir = resolve(dataDir, "demo");
  await mkdir(dir, { recursive: true });
  const stampFile = join(dir, "demo.json");
  const stamp = JSON.stringify({ version: DEMO_VERSION, wantedPlate });
  const cached = existsSync(stampFile) && (await readFile(stampFile, "utf8")) === stamp && SCENES.every((s) => existsSync(join(dir, `${s.camera.id}.mp4`)));
  if (!cached) {
    const started = Date.now();
    logger.info({ dir }, "generating the demo street videos (first run only)");
    // Two at a time: the generator is CPU-bound (rendering + x264) and the target machine has 2 cores.
    const queue = [...SCENES];
    const worker = async () => {
      for (let scene = queue.shift(); scene; scene = queue.shift()) {
        await generateStreetVideo({
          seed: scene.seed,
          out: join(dir, `${scene.camera.id}.mp4`),
          truthOut: join(dir, `${scene.camera.id}.truth.json`),
          durationS: scene.durationS,
          width: 1280,
          height: 720,
          fps: 25,
          gop: 50,
          wanted: scene.wanted ? wantedPlate : undefined,
          fire: scene.fire,
        });
      }
    };
    await Promise.all([worker(), worker()]);
    await writeFile(stampFile, stamp);
    logger.info({ ms: Date.now() - started }, "demo videos ready");
  }
  return SCENES.map((s) => ({ ...s.camera, url: join(dir, `${s.camera.id}.mp4`) }));
}

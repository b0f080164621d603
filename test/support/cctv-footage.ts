/**
 * The shared real CCTV clips (`../shared/datasets/cctv-video`, see its README) as cameras of the real
 * pipeline, and what the alerts raised on them mean: alert times on each clip's own timeline, false
 * alarms on fire-free clips, time-to-alert after the labelled onset on fire clips.
 * Used by bench/fire-false-alarms.ts and test/fire-real-footage.test.ts.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { CameraConfigInput, FireKind } from "@vigil/contracts";
import type { ObservedAlert, PlayedCamera, RealPipeline } from "./real-pipeline.js";

const run = promisify(execFile);

const repo = path.resolve(import.meta.dirname, "..", "..");
export const DATASETS_DIR = path.resolve(process.env.DATASETS_DIR ?? path.join(repo, "..", "shared", "datasets"));
export const MODELS_DIR = path.resolve(process.env.MODELS_DIR ?? path.join(repo, "..", "shared", "models"));
export const CCTV_DIR = path.join(DATASETS_DIR, "cctv-video");
/** The committed split (by clip) of the fire model's training: train clips were seen in training, test clips not. */
export const CCTV_SPLITS_DIR = path.join(repo, "models", "training", "fire", "splits");

export type CctvSplit = "train" | "test" | "all";

export interface FireWindow {
  kind: FireKind;
  startS: number;
  endS: number;
}

export interface CctvClip {
  /** Path relative to cctv-video/, as in labels.csv and the split files. */
  file: string;
  path: string;
  cameraId: string;
  split: "train" | "test";
  durationS: number;
  /** Labelled fire/smoke windows; empty for a fire-free clip (kind `none`). */
  windows: FireWindow[];
}

/** labels.csv: `file,kind,t_start_s,t_end_s,scene,notes` (notes may hold quoted commas; only the first four fields are read). */
export async function loadCctvLabels(dir = CCTV_DIR): Promise<Map<string, FireWindow[]>> {
  const text = await readFile(path.join(dir, "labels.csv"), "utf8");
  const out = new Map<string, FireWindow[]>();
  for (const line of text.split(/\r?\n/).slice(1)) {
    if (!line.trim()) continue;
    const [file, kind, start, end] = line.split(",");
    if (!file || !kind) continue;
    const windows = out.get(file) ?? [];
    if (kind === "fire" || kind === "smoke") windows.push({ kind, startS: Number(start), endS: Number(end) });
    out.set(file, windows);
  }
  return out;
}

async function splitFiles(split: "train" | "test"): Promise<string[]> {
  const text = await readFile(path.join(CCTV_SPLITS_DIR, `cctv-${split}.txt`), "utf8");
  return text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
}

/** The video stream's duration (the container's when the stream has none). */
export async function probeDurationS(file: string): Promise<number> {
  const { stdout } = await run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=duration:format=duration", "-of", "json", file]);
  const j = JSON.parse(stdout) as { streams?: { duration?: string }[]; format?: { duration?: string } };
  const d = Number(j.streams?.[0]?.duration ?? j.format?.duration);
  if (!Number.isFinite(d) || d <= 0) throw new Error(`${file}: no duration`);
  return d;
}

/** Camera ids are slugs: the clip's file name without extension (`neg12_street_cctv_rain_day`). */
export function cameraIdFor(file: string): string {
  return path.basename(file).replace(/\.[^.]+$/, "").replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 64);
}

/** The clips of a split (or both), optionally only those whose file name contains one of `only`. */
export async function loadCctvClips(split: CctvSplit, only: string[] = []): Promise<CctvClip[]> {
  const labels = await loadCctvLabels();
  const sets: ("train" | "test")[] = split === "all" ? ["test", "train"] : [split];
  const clips: CctvClip[] = [];
  for (const s of sets) {
    for (const file of await splitFiles(s)) {
      if (only.length && !only.some((w) => file.includes(w))) continue;
      const windows = labels.get(file);
      if (!windows) throw new Error(`${file} is in cctv-${s}.txt but not in labels.csv`);
      const abs = path.join(CCTV_DIR, file);
      clips.push({ file, path: abs, cameraId: cameraIdFor(file), split: s, durationS: await probeDurationS(abs), windows });
    }
  }
  return clips;
}

/** A clip as a camera of the cameras file: a local video file, the service's default analytics and sample rate. */
export function cameraFor(clip: CctvClip, index: number): CameraConfigInput {
  return { id: clip.cameraId, name: clip.file, url: clip.path, lat: 10.77 + index * 0.001, lon: 106.7 };
}

/** The first labelled fire/smoke moment, and the kind an alert should have: fire when a fire window exists, smoke for smoke only. */
export function onsetOf(clip: CctvClip): { onsetS: number; expectedKind: FireKind } | null {
  if (!clip.windows.length) return null;
  return { onsetS: Math.min(...clip.windows.map((w) => w.startS)), expectedKind: clip.windows.some((w) => w.kind === "fire") ? "fire" : "smoke" };
}

export interface ClipAlert {
  type: string;
  /** Severity when raised, and after later revisions (severity only rises). */
  severity: string;
  latestSeverity: string;
  possible: boolean;
  /** Clip time of the frame that confirmed it (see `clipTimeOf`). */
  tS: number;
  /** The same from wall clocks alone: (alert ts − the camera's first frame capture time) + that frame's clip time. */
  tWallS: number;
  /** How `tS` was found: "frame" when the alert's ts is a frame inference analysed, else "wall". */
  via: "frame" | "wall";
  /** Of the fire event the alert was raised for (alerts do not carry it). */
  confidence: number | null;
  /** Capture of the confirming frame → alert:new at the socket client. */
  pushMs: number;
}

export interface ClipOutcome {
  clip: CctvClip;
  played: PlayedCamera;
  /** Fire/smoke alerts raised for this camera, in clip-time order. */
  alerts: ClipAlert[];
  /** Other alert types raised for the camera (camera_offline…), for the record. */
  otherAlerts: number;
  /** Distinct fire events (ids) inference published, whatever the alert service did with them. */
  fireEventIds: number;
  /** Fire clips: the first alert of any fire/smoke kind and of the expected kind, after the onset. */
  onset: { onsetS: number; expectedKind: FireKind; first: ClipAlert | null; firstRight: ClipAlert | null; ttaS: number | null; pass: boolean } | null;
}

/**
 * Where an alert falls on the clip's timeline. A fire alert's ts is its event's ts, which is the capture
 * time of the frame that confirmed it; ingest samples frame `seq` at file time seq / sampleFps, so the
 * matching analysed frame gives the clip time exactly (to the fps filter's nearest source frame).
 */
export function clipTimeOf(alertTs: string, played: PlayedCamera): { tS: number; tWallS: number; via: "frame" | "wall" } {
  const ts = Date.parse(alertTs);
  const first = played.analysed[0];
  const tWallS = first ? (ts - first.captureTs) / 1000 + first.positionS : NaN;
  const frame = played.analysed.find((f) => f.captureTs === ts);
  return frame ? { tS: frame.positionS, tWallS, via: "frame" } : { tS: tWallS, tWallS, via: "wall" };
}

export function clipOutcome(pipeline: RealPipeline, clip: CctvClip, played: PlayedCamera, onsetToleranceS = 5): ClipOutcome {
  const mine = [...pipeline.alerts.values()].filter((a) => a.first.cameraId === clip.cameraId);
  const fireLike = mine.filter((a) => a.first.type === "fire" || a.first.type === "smoke");
  const alerts = fireLike.map((a: ObservedAlert): ClipAlert => {
    const at = clipTimeOf(a.first.ts, played);
    const event = pipeline.fireEvents.find((e) => e.id === a.first.eventId && e.ts === a.first.ts) ?? pipeline.fireEvents.find((e) => e.id === a.first.eventId);
    return {
      type: a.first.type,
      severity: a.first.severity,
      latestSeverity: a.latest.severity,
      possible: a.first.possible === true,
      ...at,
      confidence: event?.confidence ?? null,
      pushMs: a.receivedAt - Date.parse(a.first.ts),
    };
  });
  alerts.sort((a, b) => a.tS - b.tS);
  const fireEventIds = new Set(pipeline.fireEvents.filter((e) => e.cameraId === clip.cameraId).map((e) => e.id)).size;
  const o = onsetOf(clip);
  let onset: ClipOutcome["onset"] = null;
  if (o) {
    // Alerts from half a second before the onset count (the labels are checked to ±0.5 s).
    const after = alerts.filter((a) => a.tS >= o.onsetS - 0.5);
    const first = after[0] ?? null;
    const firstRight = after.find((a) => a.type === o.expectedKind) ?? null;
    const ttaS = firstRight ? firstRight.tS - o.onsetS : null;
    onset = { ...o, first, firstRight, ttaS, pass: ttaS !== null && ttaS <= onsetToleranceS };
  }
  return { clip, played, alerts, otherAlerts: mine.length - fireLike.length, fireEventIds, onset };
}

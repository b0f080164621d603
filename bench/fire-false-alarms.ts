/**
 * Fire false alarms and time-to-alert on real footage: every clip of the committed CCTV split
 * (`models/training/fire/splits/cctv-test.txt`, clips under ../shared/datasets/cctv-video, labels in
 * its labels.csv) is one camera of the real pipeline — ingest (ffmpeg, 2 fps) → inference (the
 * committed fire model + temporal confirmation, plates too: the default analytics) → MQTT → alerts
 * (raises fire/smoke alerts, Socket.IO) — composed as `npm start` composes it, on its embedded
 * defaults (aedes, PGlite; MQTT_URL / DATABASE_URL use those instead) and the services' defaults.
 *   npx tsx bench/fire-false-alarms.ts                     the test split, written to BENCHMARKS.md
 *   npx tsx bench/fire-false-alarms.ts --split all         train + test (train clips were seen in training)
 *   npx tsx bench/fire-false-alarms.ts --clips neg12,fire02 --batch 2 --no-write
 * Each clip is played once, for exactly its duration (a local file loops in ingest: frames past its
 * end are not analysed and the camera is stopped), in batches of cameras started together (default 4,
 * so two cores keep up). Alerts are observed as the console sees them (a logged-in Socket.IO client).
 * Time of an alert in its clip: the alert's ts is the capture time of the frame that confirmed it;
 * ingest emits sampled frame seq at file time seq / 2 fps, so that frame gives the clip time (±1 source
 * frame). The same from wall clocks alone (ts − first frame's capture) is printed as a check.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { cameraFor, clipOutcome, loadCctvClips, MODELS_DIR, type CctvClip, type CctvSplit, type ClipAlert, type ClipOutcome } from "../test/support/cctv-footage.js";
import { uniqueTopicPrefix } from "../test/support/mqtt.js";
import { startRealPipeline } from "../test/support/real-pipeline.js";
import { loadInferenceEnv } from "@vigil/inference";

const repo = path.resolve(import.meta.dirname, "..");
const SECTION = "## Fire false alarms on real footage";
const ONSET_TOLERANCE_S = 5;

function parseArgs(argv: string[]): { split: CctvSplit; clips: string[]; batch: number; write: boolean } {
  const out = { split: "test" as CctvSplit, clips: [] as string[], batch: 4, write: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i] ?? "";
    if (flag === "--split") {
      const v = value();
      if (v !== "train" && v !== "test" && v !== "all") throw new Error(`--split must be train, test or all (got "${v}")`);
      out.split = v;
    } else if (flag === "--clips") out.clips = value().split(",").map((s) => s.trim()).filter(Boolean);
    else if (flag === "--batch") out.batch = Math.max(1, Number(value()) || 4);
    else if (flag === "--no-write") out.write = false;
    else throw new Error(`unknown option ${a} (--split train|test|all, --clips a,b, --batch N, --no-write)`);
  }
  return out;
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(" / ");
const s1 = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? "-" : x.toFixed(1));

/** Longest first, so each batch's cameras end at about the same time. */
function batches<T extends { durationS: number }>(items: T[], size: number): T[][] {
  const sorted = [...items].sort((a, b) => b.durationS - a.durationS);
  const out: T[][] = [];
  for (let i = 0; i < sorted.length; i += size) out.push(sorted.slice(i, i + size));
  return out;
}

function describeWindows(clip: CctvClip): string {
  if (!clip.windows.length) return "none";
  return clip.windows.map((w) => `${w.kind} ${w.startS}–${w.endS} s`).join(", ");
}

function describeAlert(a: ClipAlert): string {
  const sev = a.latestSeverity !== a.severity ? `${a.severity}→${a.latestSeverity}` : a.severity;
  return `${a.type}${a.possible ? " (possible)" : ""} ${sev} @${a.tS.toFixed(1)} s conf ${a.confidence === null ? "-" : a.confidence.toFixed(2)}`;
}

/** Which fire model files were used, and whether the fire chain's sources differ from HEAD (others edit them). */
function modelIdentity(): string {
  const dir = path.join(repo, "models", "fire");
  const models = readdirSync(dir)
    .filter((f) => f.endsWith(".onnx"))
    .map((f) => `${f} ${createHash("sha256").update(readFileSync(path.join(dir, f))).digest("hex").slice(0, 12)}`);
  let git = "";
  try {
    const head = execFileSync("git", ["-C", repo, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["-C", repo, "status", "--porcelain", "--", "models/fire", "services/inference/src/fire", "services/inference/src/detectors", "services/inference/src/fire-stage.ts"], { encoding: "utf8" }).trimEnd();
    git = `; HEAD ${head}${dirty ? `, uncommitted changes in: ${dirty.split("\n").map((l) => l.slice(3)).join(", ")}` : ", fire sources as committed"}`;
  } catch {
    // not a git checkout
  }
  return `${models.join(", ")}${git}`;
}

interface Report {
  markdown: string;
  result: string;
  summaryCell: string;
  ok: boolean;
}

function report(outcomes: ClipOutcome[], o: { split: CctvSplit; subset: boolean; batch: number; wallS: number; loadStart: string; loadEnd: string }): Report {
  const lines: string[] = [];
  const order = [...outcomes].sort((a, b) => a.clip.file.localeCompare(b.clip.file));
  lines.push(`Date ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; split ${o.split}${o.subset ? " (subset)" : ""}: ${outcomes.length} clips, batches of ${o.batch} cameras, ${o.wallS.toFixed(0)} s wall; load ${o.loadStart} → ${o.loadEnd}.`);
  lines.push(`Fire detector: ${loadInferenceEnv(process.env).FIRE_DETECTOR} (FIRE_DETECTOR); model files: ${modelIdentity()}.`);
  lines.push("");
  lines.push("| clip | split | labels | duration s | frames analysed / expected (2 fps) | dropped | restarts | fire events | alerts raised (type severity @clip time, confidence) |");
  lines.push("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const c of order) {
    const p = c.played;
    const alerts = c.alerts.length ? c.alerts.map(describeAlert).join("; ") : "none";
    lines.push(`| ${c.clip.file} | ${c.clip.split} | ${describeWindows(c.clip)} | ${c.clip.durationS.toFixed(2)} | ${p.analysed.length} / ${p.expected}${p.timedOut ? " (timed out)" : ""} | ${p.droppedBeforeInference} | ${p.restarts} | ${c.fireEventIds} | ${alerts}${c.otherAlerts ? ` (+${c.otherAlerts} other)` : ""} |`);
  }

  const free = outcomes.filter((c) => !c.clip.windows.length);
  const freeS = free.reduce((s, c) => s + c.clip.durationS, 0);
  const falseAlarms = free.flatMap((c) => c.alerts);
  const perHour = freeS > 0 ? falseAlarms.length / (freeS / 3600) : NaN;
  const byType = (t: string) => falseAlarms.filter((a) => a.type === t).length;
  const possible = falseAlarms.filter((a) => a.possible).length;
  const confirmedLater = falseAlarms.filter((a) => a.possible && a.latestSeverity !== a.severity).length;
  const clipsWithFa = free.filter((c) => c.alerts.length).length;
  lines.push("");
  lines.push(`**False alarms on fire-free clips**: ${falseAlarms.length} (fire ${byType("fire")}, smoke ${byType("smoke")}${possible ? `; ${possible} raised as "possible smoke" at low severity, ${confirmedLater} of them later confirmed (severity raised)` : ""}) on ${clipsWithFa}/${free.length} clips over ${freeS.toFixed(1)} s = **${s1(perHour)} per camera-hour** (count / (fire-free seconds / 3600)). The alert service's cooldown (ALERT_COOLDOWN_S, default 300 s) allows at most one fire and one smoke alert per camera per play; inference published ${free.reduce((s, c) => s + c.fireEventIds, 0)} distinct fire/smoke events on them.`);

  const fire = outcomes.filter((c) => c.onset).sort((a, b) => a.clip.file.localeCompare(b.clip.file));
  let passes = 0;
  if (fire.length) {
    lines.push("");
    lines.push(`| fire clip | labelled onset s | expected kind | first alert after onset | time to expected-kind alert s | ≤ ${ONSET_TOLERANCE_S} s, right kind |`);
    lines.push("| --- | --- | --- | --- | --- | --- |");
    for (const c of fire) {
      const on = c.onset!;
      if (on.pass) passes++;
      const firstAlert = on.first ? `${on.first.type} @${on.first.tS.toFixed(1)} s (+${(on.first.tS - on.onsetS).toFixed(1)} s)` : "none";
      lines.push(`| ${c.clip.file} | ${on.onsetS.toFixed(1)} | ${on.expectedKind} | ${firstAlert} | ${on.ttaS === null ? `none (clip ${c.clip.durationS.toFixed(1)} s)` : on.ttaS.toFixed(1)} | ${on.pass ? "yes" : "**no**"} |`);
    }
  }

  const analysed = outcomes.reduce((s, c) => s + c.played.analysed.length, 0);
  const expected = outcomes.reduce((s, c) => s + c.played.expected, 0);
  const dropped = outcomes.reduce((s, c) => s + c.played.droppedBeforeInference, 0);
  const all = outcomes.flatMap((c) => c.alerts);
  const viaWall = all.filter((a) => a.via === "wall").length;
  const skew = all.map((a) => Math.abs(a.tS - a.tWallS)).filter(Number.isFinite);
  const push = all.map((a) => a.pushMs).sort((a, b) => a - b);
  lines.push("");
  lines.push(
    `Frames analysed ${analysed} / ${expected} expected (${((analysed / Math.max(1, expected)) * 100).toFixed(0)} %), ${dropped} dropped by ingest's per-camera queue before inference. ` +
      `Alert times: the frame whose capture time is the alert's ts, at file time seq / 2 fps${viaWall ? ` (${viaWall} alert(s) without a matching frame: wall clock)` : ""}; wall-clock check (ts − first frame's capture) differs by at most ${skew.length ? Math.max(...skew).toFixed(2) : "-"} s. ` +
      `Confirming frame's capture → alert:new at the socket: ${push.length ? `median ${push[Math.floor(push.length / 2)]!.toFixed(0)} ms, max ${push.at(-1)!.toFixed(0)} ms` : "-"}.`,
  );

  const ttaList = fire.map((c) => `${c.clip.cameraId.split("_")[0]} ${c.onset!.ttaS === null ? "none" : `${c.onset!.ttaS.toFixed(1)} s`}`).join(", ");
  const result = `false alarms ${falseAlarms.length} on ${free.length} fire-free clips (${s1(perHour)} per camera-hour over ${(freeS / 60).toFixed(1)} min); fire clips alerted ≤ ${ONSET_TOLERANCE_S} s with the right kind ${passes}/${fire.length} (${ttaList || "-"}); frames ${analysed}/${expected}`;
  const summaryCell = `${new Date().toISOString().slice(5, 10)}, ${o.split} split: **${falseAlarms.length} false alarms (${s1(perHour)} per camera-hour)**, fire clips ${passes}/${fire.length} alerted ≤ 5 s with the right kind`;
  return { markdown: lines.join("\n"), result, summaryCell, ok: analysed >= expected * 0.9 };
}

/** Replaces this split's subsection of the BENCHMARKS.md section (keeping earlier results in a list), and the summary row. */
function writeBenchmarks(split: CctvSplit, body: string, result: string, summaryCell: string, loadRange: string): void {
  const file = path.join(repo, "BENCHMARKS.md");
  if (!existsSync(file)) return;
  let md = readFileSync(file, "utf8");
  const intro = [
    SECTION,
    "",
    "`npx tsx bench/fire-false-alarms.ts [--split test|train|all] [--clips a,b] [--batch 4] [--no-write]`: every clip of the committed",
    "CCTV split (`models/training/fire/splits/cctv-<split>.txt`; `../shared/datasets/cctv-video`, labels in its `labels.csv`) is a",
    "camera of the real pipeline as `npm start` composes it (ingest with ffmpeg at 2 fps → inference with the committed fire model",
    "and temporal confirmation, default analytics → embedded MQTT → alerts with PGlite, service defaults), played once for",
    "exactly its duration, a few cameras at a time. Alerts are read from a logged-in Socket.IO client. An alert's time in its clip",
    "is that of the frame that confirmed it (the alert's ts is that frame's capture time; ingest samples frame seq at file time",
    "seq / 2 fps). Each clip is a new camera: the confirmer's per-camera fixture map starts empty, and the alert cooldown",
    "(300 s) allows one fire and one smoke alert per clip. Full runs write their split's results here (subsets do not).",
  ].join("\n");
  const start = md.indexOf(`${SECTION}`);
  let section: string;
  let before: string;
  let after: string;
  if (start >= 0) {
    const next = md.indexOf("\n## ", start + SECTION.length);
    before = md.slice(0, start);
    section = md.slice(start, next < 0 ? md.length : next + 1);
    after = next < 0 ? "" : md.slice(next + 1);
  } else {
    const anchor = md.indexOf("\n## Fault tests");
    before = anchor < 0 ? `${md.trimEnd()}\n\n` : md.slice(0, anchor + 1);
    after = anchor < 0 ? "" : md.slice(anchor + 1);
    section = "";
  }
  // Subsections "### split <name>", each ending with its "Earlier runs" list.
  const heading = `### split ${split}`;
  const parts = section.split(/\n(?=### split )/);
  const old = parts.find((p) => p.startsWith(heading));
  const earlier: string[] = [];
  // Notes written by hand under the previous run's figures (between its "Frames analysed" line and its list of earlier
  // runs) are about runs that stay in the list, so they stay too, as do all earlier runs.
  let notes = "";
  if (old) {
    const prev = /^\*\*Result\*\* \(([^)]*)\): (.*)$/m.exec(old);
    if (prev) earlier.push(`- ${prev[1]}: ${prev[2]}`);
    earlier.push(...old.split("\n").filter((l) => l.startsWith("- ") && /^- \d{4}-/.test(l)));
    const framesLine = old.search(/^Frames analysed /m);
    const listStart = old.indexOf("Earlier runs of this split:");
    if (framesLine >= 0) notes = old.slice(old.indexOf("\n", framesLine) + 1, listStart < 0 ? old.length : listStart).trim();
  }
  const stamp = `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, load ${loadRange}`;
  const sub = [heading, "", `**Result** (${stamp}): ${result}`, "", body, ...(notes ? ["", notes] : []), ...(earlier.length ? ["", "Earlier runs of this split:", "", ...earlier] : []), ""].join("\n");
  const others = parts.filter((p) => p.startsWith("### split ") && !p.startsWith(heading)).map((p) => p.trimEnd() + "\n");
  const subs = [...others, sub].sort((a, b) => a.localeCompare(b));
  section = `${intro}\n\n${subs.join("\n")}\n`;
  md = before + section + after;

  if (split === "test") {
    const existing = /^\| fire-false-alarms \|.*$/m;
    // The summary cell keeps the earlier results after the new one (the row is a history, as the other rows are).
    const earlierCell = existing.exec(md)?.[0].split(" | ")[3];
    const row = `| fire-false-alarms | fire/smoke alerts on real CCTV clips (test split), through the whole pipeline | 0 false alarms; fire alerted ≤ 5 s | ${earlierCell ? `${summaryCell}; ${earlierCell}` : summaryCell} | ${loadRange} |`;
    if (existing.test(md)) md = md.replace(existing, () => row);
    else {
      const sum = md.indexOf("## Summary");
      const tableEnd = sum < 0 ? -1 : md.indexOf("\n\n", md.indexOf("\n|", sum) + 1);
      if (tableEnd > 0) md = `${md.slice(0, tableEnd)}\n${row}${md.slice(tableEnd)}`;
    }
  }
  writeFileSync(file, md);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const clips = await loadCctvClips(args.split, args.clips);
  if (!clips.length) throw new Error(`no clips match ${args.clips.join(",")} in split ${args.split}`);
  const loadStart = load();
  const totalS = clips.reduce((s, c) => s + c.durationS, 0);
  console.log(`fire false alarms on real footage: ${clips.length} clips (${totalS.toFixed(0)} s) of split ${args.split}, batches of ${args.batch}; models ${MODELS_DIR}; load ${loadStart}`);

  const dataDir = await mkdtemp(path.join(tmpdir(), "vigil-fire-fa-"));
  const external = process.env.MQTT_URL || undefined;
  const pipeline = await startRealPipeline({
    cameras: clips.map(cameraFor),
    dataDir,
    modelsDir: MODELS_DIR,
    env: process.env,
    ...(external ? { mqttUrl: external, topicPrefix: uniqueTopicPrefix("firefa") } : {}),
    ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
    logLevel: process.env.LOG_LEVEL ?? "warn",
  });
  const started = Date.now();
  const outcomes: ClipOutcome[] = [];
  try {
    for (const [i, batch] of batches(clips, args.batch).entries()) {
      const t0 = Date.now();
      const played = await pipeline.play(batch.map((c) => ({ cameraId: c.cameraId, playS: c.durationS })));
      for (const p of played) outcomes.push(clipOutcome(pipeline, batch.find((c) => c.cameraId === p.cameraId)!, p, ONSET_TOLERANCE_S));
      const got = played.map((p) => `${p.cameraId.split("_")[0]} ${p.analysed.length}/${p.expected}`).join(", ");
      console.error(`batch ${i + 1}: ${batch.length} cameras in ${((Date.now() - t0) / 1000).toFixed(1)} s (frames ${got}); load ${load()}`);
    }
  } finally {
    await pipeline.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  const loadEnd = load();
  const r = report(outcomes, { split: args.split, subset: args.clips.length > 0, batch: args.batch, wallS: (Date.now() - started) / 1000, loadStart, loadEnd });
  console.log(`\n${r.markdown}\n`);
  console.log(`RESULT fire false alarms (split ${args.split}${args.clips.length ? ", subset" : ""}): ${r.result}; load ${loadEnd}`);
  if (args.write && !args.clips.length) {
    const ones = [loadStart, loadEnd].map((l) => Number(l.split(" / ")[0])).sort((a, b) => a - b);
    writeBenchmarks(args.split, r.markdown, r.result, r.summaryCell, `${ones[0]!.toFixed(2)}–${ones[1]!.toFixed(2)}`);
    console.log(`(written to BENCHMARKS.md, section "${SECTION.slice(3)}", split ${args.split})`);
  }
  // A figure, not a gate: it fails only when the pipeline could not keep up (the figures would mean little).
  process.exit(r.ok ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

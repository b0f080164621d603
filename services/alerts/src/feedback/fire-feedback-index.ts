/**
 * The fire feedback store's format, and the pure rules around it (what becomes a sample, how the index
 * is written, read and listed). The file side is fire-feedback-store.ts.
 *
 * When a supervisor resolves a `fire` or `smoke` alert with reason `false_alarm`, its evidence frame is
 * kept as a hard negative for that camera. Layout of `FIRE_FEEDBACK_DIR` (default `data/fire-feedback`;
 * `npm start` puts it at `$DATA_DIR/fire-feedback`, which is the same place for the default `DATA_DIR`):
 *
 *   index.jsonl                 one JSON object per line, appended in resolve order (UTF-8, `\n`)
 *   <cameraId>/<alertId>.jpg    the alert's snapshot, copied byte for byte (the full frame, JPEG)
 *
 * Each line:
 *
 *   { "alertId": uuid, "cameraId": string, "kind": "fire" | "smoke",
 *     "ts": ISO 8601 (when the event was first seen), "resolvedAt": ISO 8601, "resolvedBy": username,
 *     "note": the supervisor's note, "file": "<cameraId>/<alertId>.jpg" (relative to the directory),
 *     "boxes": [{ "bbox": [x, y, w, h] (fractions 0..1 of the frame), "confidence": 0..1 }] }
 *
 * `boxes` are the detections the alert was raised for (the event's latest revision): the regions the
 * model wrongly called fire/smoke; the whole frame is a negative.
 *
 * Caveat for training: the JPEG is the evidence frame exactly as inference wrote it, so those boxes
 * are DRAWN on it (orange #ff8c00 outline, 3 px on the default 960 px snapshot, centred on the box's
 * edges; services/inference/src/evidence/evidence-writer.ts). Fed as is, the model would learn
 * "orange rectangle = not fire": models/training/fire/feedback_outline.py fills the outlines in (and the
 * JPEG's bleed around them) before models/training/fire/train_verifier.py crops a sample.
 *
 * A line is only written after its JPEG is in place, so every `file` exists unless someone deleted
 * it. Readers skip lines they cannot parse and ignore unknown fields (the format may gain some).
 * models/training/fire/train_verifier.py reads `<dir>/index.jsonl` and the JPEGs as extra negatives.
 */
import { z } from "zod";
import { cameraId, fireBoxSchema, fireKind, isoTimestamp, type Alert } from "@vigil/contracts";

export const FIRE_FEEDBACK_INDEX = "index.jsonl";

export const fireFeedbackSampleSchema = z.object({
  alertId: z.uuid(),
  cameraId,
  kind: fireKind,
  ts: isoTimestamp,
  resolvedAt: isoTimestamp,
  resolvedBy: z.string(),
  note: z.string(),
  file: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*\/[0-9a-fA-F-]+\.jpg$/, "file must be <cameraId>/<alertId>.jpg"),
  boxes: z.array(fireBoxSchema),
});
export type FireFeedbackSample = z.infer<typeof fireFeedbackSampleSchema>;

/** A resolved fire/smoke alert the supervisor called a false alarm: its frame is a hard negative. */
export function isFireFeedback(alert: Alert): alert is Alert & { type: "fire" | "smoke" } {
  return (alert.type === "fire" || alert.type === "smoke") && alert.state === "resolved" && alert.resolveReason === "false_alarm";
}

/** Where the sample's JPEG goes, relative to the feedback directory (ids are slugs/UUIDs: no path tricks). */
export function feedbackFile(alert: Pick<Alert, "id" | "cameraId">): string {
  return `${alert.cameraId}/${alert.id}.jpg`;
}

/** The index entry for a false-alarm alert (keys in the documented order). */
export function feedbackSample(alert: Alert & { type: "fire" | "smoke" }): FireFeedbackSample {
  return fireFeedbackSampleSchema.parse({
    alertId: alert.id,
    cameraId: alert.cameraId,
    kind: alert.type,
    ts: alert.ts,
    resolvedAt: alert.updatedAt ?? alert.ts,
    resolvedBy: alert.updatedBy ?? "",
    note: alert.note ?? "",
    file: feedbackFile(alert),
    boxes: alert.boxes ?? [],
  });
}

export function indexLine(sample: FireFeedbackSample): string {
  return `${JSON.stringify(sample)}\n`;
}

export interface FireFeedbackIndex {
  samples: FireFeedbackSample[];
  /** 1-based line numbers that were not a valid sample. */
  invalidLines: number[];
}

/** Parses index.jsonl; a torn or hand-edited line is reported, never fatal. */
export function parseIndex(text: string): FireFeedbackIndex {
  const samples: FireFeedbackSample[] = [];
  const invalidLines: number[] = [];
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      invalidLines.push(i + 1);
      return;
    }
    const parsed = fireFeedbackSampleSchema.safeParse(json);
    if (parsed.success) samples.push(parsed.data);
    else invalidLines.push(i + 1);
  });
  return { samples, invalidLines };
}

/**
 * What `npm run fire:feedback` prints: counts per camera and kind, then one line per sample (time,
 * camera, kind, file, note) in time order. `missing` names files the index lists but the disk lacks.
 */
export function formatFeedbackListing(dir: string, index: FireFeedbackIndex, missing: ReadonlySet<string> = new Set()): string {
  const out: string[] = [];
  const { samples } = index;
  if (samples.length === 0) {
    out.push(`No fire feedback samples in ${dir} yet (resolve a fire or smoke alert as a false alarm to add one).`);
  } else {
    out.push(`Fire feedback in ${dir}: ${samples.length} hard negative${samples.length === 1 ? "" : "s"}`, "");
    const perCamera = new Map<string, { fire: number; smoke: number }>();
    for (const s of samples) {
      const c = perCamera.get(s.cameraId) ?? { fire: 0, smoke: 0 };
      c[s.kind]++;
      perCamera.set(s.cameraId, c);
    }
    const cameras = [...perCamera.keys()].sort();
    const width = Math.max("camera".length, ...cameras.map((c) => c.length));
    out.push(`${"camera".padEnd(width)}  fire  smoke  total`);
    for (const cam of cameras) {
      const c = perCamera.get(cam)!;
      out.push(`${cam.padEnd(width)}  ${String(c.fire).padStart(4)}  ${String(c.smoke).padStart(5)}  ${String(c.fire + c.smoke).padStart(5)}`);
    }
    out.push("");
    const sorted = [...samples].sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts) || a.alertId.localeCompare(b.alertId));
    for (const s of sorted) {
      const time = new Date(Date.parse(s.ts)).toISOString().replace(/\.\d{3}Z$/, "Z");
      const note = s.note.replace(/\s+/g, " ").trim();
      out.push(`${time}  ${s.cameraId.padEnd(width)}  ${s.kind.padEnd(5)}  ${s.file}${missing.has(s.file) ? " (file missing)" : ""}  ${note ? `“${note}”` : ""}`.trimEnd());
    }
  }
  if (index.invalidLines.length) out.push("", `${index.invalidLines.length} line(s) of ${FIRE_FEEDBACK_INDEX} could not be read: ${index.invalidLines.join(", ")}`);
  return `${out.join("\n")}\n`;
}

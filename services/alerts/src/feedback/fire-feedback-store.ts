import { randomBytes } from "node:crypto";
import { appendFile, copyFile, mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Alert } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { AlertsMetrics } from "../metrics.js";
import { existingMediaFile } from "../evidence/media-path.js";
import { FIRE_FEEDBACK_INDEX, feedbackSample, indexLine, isFireFeedback, parseIndex, type FireFeedbackIndex } from "./fire-feedback-index.js";

export type FireFeedbackOutcome = "saved" | "not_feedback" | "missing_snapshot" | "failed";

/**
 * The fire feedback store on the local disk (format: fire-feedback-index.ts). It is told about every
 * resolved alert and keeps the false alarms among fire/smoke alerts: snapshot copied first (temp file
 * + rename), index line appended after, so the index never names a file that is not complete. A
 * missing snapshot or a full disk is logged and counted; it never fails the resolve.
 */
export function createFireFeedbackStore(deps: { dir: string; mediaDir: string; logger: Logger; metrics?: Pick<AlertsMetrics, "fireFeedback"> }) {
  const dir = resolve(deps.dir);
  const { logger } = deps;
  // Index lines are appended one after another, so concurrent resolves never interleave their bytes.
  let appending: Promise<unknown> = Promise.resolve();
  const count = (outcome: Exclude<FireFeedbackOutcome, "not_feedback">) => deps.metrics?.fireFeedback.inc({ outcome });

  return {
    dir,
    async alertResolved(alert: Alert): Promise<FireFeedbackOutcome> {
      if (!isFireFeedback(alert)) return "not_feedback";
      const log = { alertId: alert.id, cameraId: alert.cameraId, kind: alert.type, snapshot: alert.snapshot };
      const source = alert.snapshot ? await existingMediaFile(deps.mediaDir, alert.snapshot) : null;
      if (!source) {
        count("missing_snapshot");
        logger.warn(log, "false alarm not kept as fire feedback: its snapshot is missing or outside the media dir");
        return "missing_snapshot";
      }
      const sample = feedbackSample(alert);
      const target = join(dir, sample.file);
      const tmp = `${target}.${randomBytes(4).toString("hex")}.tmp`;
      try {
        await mkdir(dirname(target), { recursive: true });
        await copyFile(source, tmp);
        await rename(tmp, target);
        const append = appending.then(() => appendFile(join(dir, FIRE_FEEDBACK_INDEX), indexLine(sample)));
        appending = append.catch(() => undefined);
        await append;
      } catch (err) {
        await rm(tmp, { force: true }).catch(() => undefined);
        count("failed");
        logger.warn({ ...log, err }, "false alarm not kept as fire feedback: writing the sample failed");
        return "failed";
      }
      count("saved");
      logger.info({ ...log, file: sample.file }, "false alarm kept as fire feedback (a hard negative for this camera)");
      return "saved";
    },
    load: () => loadFireFeedback(dir),
    async close(): Promise<void> {
      await appending;
    },
  };
}
export type FireFeedbackStore = ReturnType<typeof createFireFeedbackStore>;

/** Reads a feedback directory: its index, and the listed files the disk lacks. No directory = no samples. */
export async function loadFireFeedback(dir: string): Promise<{ index: FireFeedbackIndex; missing: Set<string> }> {
  const text = await readFile(join(dir, FIRE_FEEDBACK_INDEX), "utf8").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return "";
    throw err;
  });
  const index = parseIndex(text);
  const missing = new Set<string>();
  for (const s of index.samples) {
    const info = await stat(join(dir, s.file)).catch(() => null);
    if (!info?.isFile()) missing.add(s.file);
  }
  return { index, missing };
}

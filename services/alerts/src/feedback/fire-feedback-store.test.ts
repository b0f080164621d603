import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Alert } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { createAlertsMetrics } from "../metrics.js";
import { createFireFeedbackStore, loadFireFeedback } from "./fire-feedback-store.js";

function setUp() {
  const root = mkdtempSync(join(tmpdir(), "vigil-feedback-unit-"));
  const mediaDir = join(root, "media");
  mkdirSync(join(mediaDir, "fire", "cam-1"), { recursive: true });
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 0xff, 0xd9]);
  writeFileSync(join(mediaDir, "fire", "cam-1", "a.jpg"), jpeg);
  writeFileSync(join(root, "secret.jpg"), "outside the media dir");
  symlinkSync(join(root, "secret.jpg"), join(mediaDir, "fire", "cam-1", "link.jpg"));
  const metrics = createAlertsMetrics();
  const store = createFireFeedbackStore({ dir: join(root, "feedback"), mediaDir, logger: createLogger({ name: "t", level: "silent" }), metrics });
  const outcomes = async () => Object.fromEntries((await metrics.fireFeedback.get()).values.map((v) => [v.labels["outcome"], v.value]));
  return { root, store, jpeg, outcomes };
}

let n = 0;
const alert = (over: Partial<Alert> = {}): Alert => ({
  schemaVersion: 1, id: `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`, type: "fire", severity: "critical", cameraId: "cam-1",
  ts: "2026-05-01T03:00:00.000Z", state: "resolved", snapshot: "/media/fire/cam-1/a.jpg", updatedAt: "2026-05-01T03:02:00.000Z",
  updatedBy: "sup", note: "đèn xe", resolveReason: "false_alarm", boxes: [{ bbox: [0.1, 0.1, 0.2, 0.2], confidence: 0.7 }], ...over,
});

describe("fire feedback store", () => {
  it("copies a false alarm's snapshot and appends its line; other reasons and types keep nothing", async () => {
    const { root, store, jpeg, outcomes } = setUp();
    const a = alert();
    expect(await store.alertResolved(a)).toBe("saved");
    expect(await store.alertResolved(alert({ resolveReason: "true_hit" }))).toBe("not_feedback");
    expect(await store.alertResolved(alert({ type: "watchlist_hit" }))).toBe("not_feedback");
    expect(readFileSync(join(root, "feedback", "cam-1", `${a.id}.jpg`))).toEqual(jpeg);
    const { index, missing } = await loadFireFeedback(store.dir);
    expect(index.samples.map((s) => s.alertId)).toEqual([a.id]);
    expect(missing.size).toBe(0);
    expect(readdirSync(join(root, "feedback", "cam-1"))).toEqual([`${a.id}.jpg`]); // no temp file left behind
    expect(await outcomes()).toEqual({ saved: 1 });
  });

  it("logs and counts a missing snapshot, one outside the media dir or behind a link leading out", async () => {
    const { store, outcomes } = setUp();
    const { snapshot: _s, ...noSnapshot } = alert();
    for (const a of [noSnapshot, alert({ snapshot: "/media/fire/cam-1/gone.jpg" }), alert({ snapshot: "/media/../secret.jpg" }), alert({ snapshot: "/media/fire/cam-1/link.jpg" }), alert({ snapshot: "/etc/passwd" })]) {
      expect(await store.alertResolved(a)).toBe("missing_snapshot");
    }
    expect(await outcomes()).toEqual({ missing_snapshot: 5 });
    expect((await loadFireFeedback(store.dir)).index.samples).toEqual([]);
  });

  it("counts a write failure (the feedback dir is not a directory) and still answers", async () => {
    const root = mkdtempSync(join(tmpdir(), "vigil-feedback-unit-"));
    mkdirSync(join(root, "media"));
    writeFileSync(join(root, "media", "a.jpg"), "jpeg");
    writeFileSync(join(root, "feedback"), "a file where the directory should be");
    const metrics = createAlertsMetrics();
    const store = createFireFeedbackStore({ dir: join(root, "feedback"), mediaDir: join(root, "media"), logger: createLogger({ name: "t", level: "silent" }), metrics });
    expect(await store.alertResolved(alert({ snapshot: "/media/a.jpg" }))).toBe("failed");
    expect((await metrics.fireFeedback.get()).values.map((v) => [v.labels["outcome"], v.value])).toEqual([["failed", 1]]);
  });

  it("keeps every line whole when many resolves land at once", async () => {
    const { store } = setUp();
    const many = Array.from({ length: 40 }, () => alert({ cameraId: n % 2 ? "cam-1" : "cam-2" }));
    expect(new Set(await Promise.all(many.map((a) => store.alertResolved(a))))).toEqual(new Set(["saved"]));
    await store.close();
    const { index } = await loadFireFeedback(store.dir);
    expect(index.invalidLines).toEqual([]);
    expect(index.samples.map((s) => s.alertId).sort()).toEqual(many.map((a) => a.id).sort());
  });

  it("reads an absent directory as empty and notes files the disk lacks", async () => {
    const { root, store } = setUp();
    expect(await loadFireFeedback(join(root, "nowhere"))).toEqual({ index: { samples: [], invalidLines: [] }, missing: new Set() });
    const a = alert();
    await store.alertResolved(a);
    rmSync(join(store.dir, "cam-1", `${a.id}.jpg`));
    expect((await loadFireFeedback(store.dir)).missing).toEqual(new Set([`cam-1/${a.id}.jpg`]));
  });
});

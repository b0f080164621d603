import { describe, expect, it } from "vitest";
import type { Alert } from "@vigil/contracts";
import { feedbackSample, formatFeedbackListing, indexLine, isFireFeedback, parseIndex, type FireFeedbackSample } from "./fire-feedback-index.js";

const resolvedSmoke: Alert = {
  schemaVersion: 1,
  id: "0b0e8c43-1f4e-4a47-8d0a-2b7f5d2c9e10",
  type: "smoke",
  severity: "low",
  cameraId: "q1-ben-thanh",
  ts: "2026-05-01T03:00:00.000Z",
  state: "resolved",
  eventId: "6f1c2a4e-7d1b-4c3e-9a55-0b8d2f3e4a11",
  snapshot: "/media/fire/q1-ben-thanh/6f1c.jpg",
  updatedAt: "2026-05-01T03:05:10.000Z",
  updatedBy: "supervisor1",
  note: "hơi nước từ quán phở",
  resolveReason: "false_alarm",
  possible: true,
  boxes: [{ bbox: [0.1, 0.2, 0.3, 0.25], confidence: 0.61 }],
};

describe("which resolved alerts become feedback", () => {
  it("only fire and smoke resolved as false alarms", () => {
    expect(isFireFeedback(resolvedSmoke)).toBe(true);
    expect(isFireFeedback({ ...resolvedSmoke, type: "fire" })).toBe(true);
    for (const reason of ["true_hit", "duplicate", "test", "other"] as const) expect(isFireFeedback({ ...resolvedSmoke, resolveReason: reason })).toBe(false);
    expect(isFireFeedback({ ...resolvedSmoke, type: "watchlist_hit" })).toBe(false);
    expect(isFireFeedback({ ...resolvedSmoke, state: "acknowledged" })).toBe(false);
    const { resolveReason: _r, ...noReason } = resolvedSmoke;
    expect(isFireFeedback(noReason)).toBe(false);
  });
});

describe("index lines", () => {
  it("carry the documented fields in the documented order", () => {
    const line = indexLine(feedbackSample(resolvedSmoke as Alert & { type: "smoke" }));
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1)).not.toContain("\n");
    const json = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(["alertId", "cameraId", "kind", "ts", "resolvedAt", "resolvedBy", "note", "file", "boxes"]);
    expect(json).toEqual({
      alertId: resolvedSmoke.id,
      cameraId: "q1-ben-thanh",
      kind: "smoke",
      ts: "2026-05-01T03:00:00.000Z",
      resolvedAt: "2026-05-01T03:05:10.000Z",
      resolvedBy: "supervisor1",
      note: "hơi nước từ quán phở",
      file: `q1-ben-thanh/${resolvedSmoke.id}.jpg`,
      boxes: [{ bbox: [0.1, 0.2, 0.3, 0.25], confidence: 0.61 }],
    });
  });

  it("have an empty box list when the alert kept none", () => {
    const { boxes: _b, ...noBoxes } = resolvedSmoke;
    expect(feedbackSample({ ...noBoxes, type: "fire" }).boxes).toEqual([]);
  });

  it("read back, skipping torn, foreign and blank lines with their line numbers", () => {
    const a = feedbackSample(resolvedSmoke as Alert & { type: "smoke" });
    const b = feedbackSample({ ...resolvedSmoke, id: "9d7f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b", type: "fire", cameraId: "cam-2" });
    const text = [indexLine(a), '{"alertId": "x"}\n', "\n", indexLine(b), '{"alertId":"tor'].join("");
    const { samples, invalidLines } = parseIndex(text);
    expect(samples).toEqual([a, b]);
    expect(invalidLines).toEqual([2, 5]);
    // Unknown fields (a later format) are ignored, not fatal.
    expect(parseIndex(JSON.stringify({ ...a, extra: 1 })).samples).toEqual([a]);
    // A file outside <cameraId>/<alertId>.jpg is refused (the trainer joins it to the directory).
    expect(parseIndex(JSON.stringify({ ...a, file: "../../etc/passwd.jpg" })).invalidLines).toEqual([1]);
  });
});

describe("npm run fire:feedback listing", () => {
  const sample = (over: Partial<FireFeedbackSample>): FireFeedbackSample => ({ ...feedbackSample(resolvedSmoke as Alert & { type: "smoke" }), ...over });

  it("counts per camera and kind, then one line per sample in time order", () => {
    const samples = [
      sample({ alertId: "00000000-0000-4000-8000-000000000003", ts: "2026-05-01T05:00:00.000Z", cameraId: "cam-2", kind: "fire", file: "cam-2/00000000-0000-4000-8000-000000000003.jpg", note: "đèn\nhậu xe tải" }),
      sample({ alertId: "00000000-0000-4000-8000-000000000001", ts: "2026-05-01T03:00:00.000Z", file: "q1-ben-thanh/00000000-0000-4000-8000-000000000001.jpg" }),
      sample({ alertId: "00000000-0000-4000-8000-000000000002", ts: "2026-05-01T04:00:00.250Z", kind: "fire", note: "", file: "q1-ben-thanh/00000000-0000-4000-8000-000000000002.jpg" }),
    ];
    const out = formatFeedbackListing("/srv/vigil/fire-feedback", { samples, invalidLines: [7] }, new Set(["cam-2/00000000-0000-4000-8000-000000000003.jpg"]));
    expect(out).toBe(
      [
        "Fire feedback in /srv/vigil/fire-feedback: 3 hard negatives",
        "",
        "camera        fire  smoke  total",
        "cam-2            1      0      1",
        "q1-ben-thanh     1      1      2",
        "",
        "2026-05-01T03:00:00Z  q1-ben-thanh  smoke  q1-ben-thanh/00000000-0000-4000-8000-000000000001.jpg  “hơi nước từ quán phở”",
        "2026-05-01T04:00:00Z  q1-ben-thanh  fire   q1-ben-thanh/00000000-0000-4000-8000-000000000002.jpg",
        "2026-05-01T05:00:00Z  cam-2         fire   cam-2/00000000-0000-4000-8000-000000000003.jpg (file missing)  “đèn hậu xe tải”",
        "",
        "1 line(s) of index.jsonl could not be read: 7",
        "",
      ].join("\n"),
    );
  });

  it("says so when there is nothing yet", () => {
    expect(formatFeedbackListing("/d", { samples: [], invalidLines: [] })).toBe("No fire feedback samples in /d yet (resolve a fire or smoke alert as a false alarm to add one).\n");
  });
});

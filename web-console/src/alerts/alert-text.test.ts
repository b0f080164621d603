import type { Alert } from "@vigil/contracts";
import { describe, expect, it } from "vitest";
import { setLang } from "../i18n/index.js";
import { AlertStore, isUrgent } from "./alert-store.js";
import { alertHeadline, evidenceOf, historyOf, historyText, occurrencesNotListed, seenAgainText } from "./alert-text.js";
import { clampScale, stepIndex } from "./evidence-viewer.js";

const smoke = (over: Partial<Alert> = {}): Alert => ({
  schemaVersion: 1, id: "00000000-0000-4000-8000-000000000001", type: "smoke", severity: "low", cameraId: "cam-1",
  ts: "2026-05-01T03:00:00.000Z", state: "new", possible: true, ...over,
});

describe("possible smoke in the console", () => {
  it("is headlined as possible smoke in both languages, plain smoke once confirmed", () => {
    setLang("vi", null);
    expect(alertHeadline(smoke())).toBe("Nghi có khói");
    expect(alertHeadline(smoke({ possible: false, severity: "high" }))).toBe("Phát hiện khói");
    expect(alertHeadline(smoke({ possible: undefined }))).toBe("Phát hiện khói");
    setLang("en", null);
    expect(alertHeadline(smoke())).toBe("Possible smoke");
    expect(alertHeadline(smoke({ possible: false }))).toBe("Smoke detected");
    setLang("vi", null);
  });

  it("is not urgent (no alarm, no banner) until an update confirms it", () => {
    const store = new AlertStore();
    store.upsert(smoke());
    expect(isUrgent(store.get(smoke().id)!)).toBe(false);
    // The server sends possible: false on confirmation, so the merging store loses the old "true".
    store.upsert(smoke({ severity: "high", possible: false, updatedAt: "2026-05-01T03:01:00.000Z" }));
    expect(store.get(smoke().id)).toMatchObject({ severity: "high", possible: false });
    expect(isUrgent(store.get(smoke().id)!)).toBe(true);
    expect(alertHeadline(store.get(smoke().id)!)).toBe("Phát hiện khói");
  });
});

describe("an alert seen again", () => {
  const names: Record<string, string> = { "cam-1": "Q1 · Nguyễn Huệ", "cam-2": "Q1 · Bến Thành" };
  const name = (id: string) => names[id] ?? id;
  const hit = (over: Partial<Alert> = {}): Alert => ({
    schemaVersion: 1, id: "00000000-0000-4000-8000-000000000002", type: "watchlist_hit", severity: "critical", cameraId: "cam-1",
    ts: "2026-05-01T03:00:00.000Z", state: "new", plate: "30A99999", display: "30A-999.99", ...over,
  });

  it("says how often and when last, in Vietnamese time, naming the camera when it moved", () => {
    setLang("vi", null);
    expect(seenAgainText(hit(), name)).toBeNull();
    expect(seenAgainText(hit({ occurrences: 1 }), name)).toBeNull();
    expect(seenAgainText(hit({ occurrences: 3, lastSeenAt: "2026-05-01T03:10:00.000Z" }), name)).toBe("Thấy lại × 3, lần cuối lúc 10:10:00");
    const moved = hit({ occurrences: 2, lastSeenAt: "2026-05-01T03:10:00.000Z", history: [{ state: "new", at: "2026-05-01T03:00:00.000Z", by: null, note: null }, { state: "new", at: "2026-05-01T03:10:00.000Z", by: null, note: null, kind: "occurrence", occurrence: 2, cameraId: "cam-2" }] });
    expect(seenAgainText(moved, name)).toBe("Thấy lại × 2, lần cuối lúc 10:10:00 tại Q1 · Bến Thành");
    expect(seenAgainText({ ...hit({ occurrences: 4 }), type: "fire" }, name)).toBe("Vẫn phát hiện × 4, lần cuối lúc 10:00:00");
    setLang("en", null);
    expect(seenAgainText(hit({ occurrences: 3, lastSeenAt: "2026-05-01T03:10:00.000Z" }), name)).toBe("Seen again × 3, last at 10:10:00");
    setLang("vi", null);
  });

  it("tells its history in words: who acknowledged and resolved, why, and each sighting", () => {
    setLang("vi", null);
    const a = hit();
    expect(historyText(a, { state: "new", at: a.ts, by: null, note: null }, name)).toEqual({ what: "Phát sinh cảnh báo", note: null });
    expect(historyText(a, { state: "acknowledged", at: a.ts, by: "op1", note: "tổ 3 đang tới" }, name)).toEqual({ what: "op1 đã xác nhận", note: "tổ 3 đang tới" });
    expect(historyText(a, { state: "new", at: a.ts, by: null, note: null, kind: "occurrence", occurrence: 2, cameraId: "cam-2" }, name).what).toBe("Thấy lại lần 2 — Q1 · Bến Thành");
    expect(historyText(a, { state: "resolved", at: a.ts, by: "sup1", note: "đã dừng xe", reason: "true_hit" }, name).what).toBe("sup1 kết thúc — Xác nhận đúng");
    // The service's own resolve is "the system", its note in the operator's language.
    expect(historyText(a, { state: "new", at: "2026-05-01T06:00:00.000Z", by: null, note: null }, name).what).toBe("Phát sinh cảnh báo từ lượt ghi nhận lúc 10:00:00 01/05/2026");
    expect(historyText({ type: "camera_offline", ts: a.ts }, { state: "resolved", at: a.ts, by: "system", note: "camera back online" }, name)).toEqual({ what: "Hệ thống kết thúc", note: "Camera có tín hiệu trở lại" });
    setLang("en", null);
    expect(historyText(a, { state: "resolved", at: a.ts, by: "sup1", note: null, reason: "false_alarm" }, name).what).toBe("Resolved by sup1 — False alarm");
    setLang("vi", null);
  });

  it("an alert saved before alerts carried history still shows raised and its last change with the note", () => {
    const old = hit({ state: "resolved", updatedAt: "2026-05-01T04:00:00.000Z", updatedBy: "sup1", note: "xong", resolveReason: "true_hit" });
    expect(historyOf(old)).toEqual([{ state: "new", at: old.ts, by: null, note: null }, { state: "resolved", at: "2026-05-01T04:00:00.000Z", by: "sup1", note: "xong", reason: "true_hit" }]);
    expect(evidenceOf(hit({ snapshot: "/media/a.jpg" }))).toEqual([{ at: old.ts, cameraId: "cam-1", snapshot: "/media/a.jpg" }]);
    expect(evidenceOf(hit())).toEqual([]);
    expect(occurrencesNotListed(hit({ occurrences: 40 }), [{ state: "new", at: old.ts, by: null, note: null, kind: "occurrence", occurrence: 40 }])).toBe(38);
  });

  it("the viewer zooms within 1–8× and pages without wrapping", () => {
    expect(clampScale(0.5)).toBe(1);
    expect(clampScale(20)).toBe(8);
    expect(stepIndex(0, -1, 3)).toBe(0);
    expect(stepIndex(1, 1, 3)).toBe(2);
    expect(stepIndex(2, 1, 3)).toBe(2);
  });
});

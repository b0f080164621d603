import type { Alert } from "@vigil/contracts";
import { describe, expect, it } from "vitest";
import { setLang } from "../i18n/index.js";
import { notificationFor } from "./browser-notifications.js";
import { historyText, workflowLabels } from "./alert-text.js";

const fire = (over: Partial<Alert> = {}): Alert => ({
  schemaVersion: 1, id: "00000000-0000-4000-8000-000000000009", type: "fire", severity: "critical", cameraId: "cam-1",
  ts: "2026-05-01T03:00:00.000Z", state: "new", ...over,
});
const name = (id: string) => (id === "cam-1" ? "Q1 · Bến Thành" : id);
const hidden = { hidden: true, permission: "granted" } as const;

describe("browser notifications", () => {
  it("a new critical alert in a background tab: the Vietnamese headline, the camera, one tag per alert", () => {
    setLang("vi", null);
    expect(notificationFor(fire(), "new", hidden, name)).toMatchObject({ title: "Phát hiện cháy", tag: `${fire().id}:new`, requireInteraction: true });
    expect(notificationFor(fire(), "new", hidden, name)!.body).toMatch(/^Q1 · Bến Thành — \d\d:\d\d:\d\d$/);
  });

  it("nothing in front, without permission, for a medium alert or one already taken", () => {
    expect(notificationFor(fire(), "new", { hidden: false, permission: "granted" }, name)).toBeNull();
    expect(notificationFor(fire(), "new", { hidden: true, permission: "default" }, name)).toBeNull();
    expect(notificationFor(fire(), "new", { hidden: true, permission: "unsupported" }, name)).toBeNull();
    expect(notificationFor(fire({ severity: "medium" }), "new", hidden, name)).toBeNull();
    expect(notificationFor(fire({ state: "acknowledged" }), "escalated", hidden, name)).toBeNull();
  });

  it("every escalation, whatever the severity, says it went up (vi and en)", () => {
    setLang("vi", null);
    expect(notificationFor(fire({ severity: "medium" }), "escalated", hidden, name)?.title).toBe("Đã báo cáo lên cấp trên: Phát hiện cháy");
    setLang("en", null);
    expect(notificationFor(fire(), "escalated", hidden, name)?.title).toBe("Escalated: Fire detected");
    setLang("vi", null);
  });
});

describe("workflow labels on the card", () => {
  it("who handles it, to whom it was given, and the escalation badge while nobody took it", () => {
    setLang("vi", null);
    expect(workflowLabels(fire({ state: "acknowledged", acknowledgedBy: "op1" })).handling).toBe("Đang xử lý: op1");
    expect(workflowLabels(fire({ assignedTo: "op7", assignedUnitId: null })).assigned).toBe("Giao cho: op7");
    expect(workflowLabels(fire({ escalatedAt: "2026-05-01T03:01:00.000Z" })).escalated?.text).toBe("Đã báo cáo lên cấp trên");
    expect(workflowLabels(fire({ state: "acknowledged", acknowledgedBy: "op1", escalatedAt: "2026-05-01T03:01:00.000Z" })).escalated).toBeNull();
    expect(workflowLabels(fire())).toEqual({ handling: null, assigned: null, escalated: null });
  });

  it("history lines for an assignment and an escalation", () => {
    setLang("vi", null);
    expect(historyText(fire(), { state: "new", at: fire().ts, by: "sup1", note: null, kind: "assignment", assignedTo: "op7" }, name).what).toBe("sup1 giao cho op7");
    expect(historyText(fire(), { state: "new", at: fire().ts, by: "system", note: null, kind: "escalation" }, name).what).toBe("Chưa có ai xác nhận — đã báo cáo lên cấp trên");
  });
});

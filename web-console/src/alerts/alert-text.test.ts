import type { Alert } from "@vigil/contracts";
import { describe, expect, it } from "vitest";
import { setLang } from "../i18n/index.js";
import { AlertStore, isUrgent } from "./alert-store.js";
import { alertHeadline } from "./alert-text.js";

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

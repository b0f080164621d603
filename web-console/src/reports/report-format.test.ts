import { describe, expect, it } from "vitest";
import { durationText, shareText } from "./report-format.js";

describe("shift report wording", () => {
  it("says durations in seconds, minutes and hours, in Vietnamese and English", () => {
    expect(durationText(45, "vi")).toBe("45 giây");
    expect(durationText(85.5, "vi")).toBe("1 phút 26 giây");
    expect(durationText(19.5, "vi")).toBe("19,5 giây");
    expect(durationText(19.5, "en")).toBe("19.5 s");
    expect(durationText(600, "vi")).toBe("10 phút");
    expect(durationText(1185, "en")).toBe("19 min 45 s");
    expect(durationText(3600, "vi")).toBe("1 giờ");
    expect(durationText(3900, "vi")).toBe("1 giờ 5 phút");
    expect(durationText(0, "vi")).toBe("0 giây");
    expect(durationText(null, "vi")).toBe("—");
  });
  it("says shares as percentages in each language's way", () => {
    expect(shareText(0.5, "vi")).toBe("50%");
    expect(shareText(1 / 3, "vi")).toBe("33,3%");
    expect(shareText(1 / 3, "en")).toBe("33.3%");
    expect(shareText(null, "en")).toBe("—");
  });
});

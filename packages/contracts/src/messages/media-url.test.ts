import { describe, expect, it } from "vitest";
import { isMediaUrlPath } from "../index.js";

describe("isMediaUrlPath", () => {
  it("accepts the evidence paths inference and the fire pipeline write", () => {
    expect(isMediaUrlPath("/media/cam-1/2026-12-03/5f0c3c1e-7d4e-4f57-9d0e-6d9b1b8c2a11.jpg")).toBe(true);
    expect(isMediaUrlPath("/media/cam_2/2026-12-03/evt-crop.jpg")).toBe(true);
    expect(isMediaUrlPath("/media/snap/x.jpg")).toBe(true);
  });

  it("refuses anything the browser would fetch from elsewhere or run as an API call", () => {
    for (const bad of [
      "/api/v1/plates?q=51F12345&reason=FORGED", // the audit forgery of issue 15
      "https://evil.example/x.jpg",
      "//evil.example/x.jpg",
      "/media//evil.example/x.jpg",
      "/media/../api/v1/plates",
      "/media/a/../../api/v1/users",
      "/media/./x.jpg",
      "/media/x.jpg?q=1",
      "/media/x.jpg#frag",
      "/media/%2e%2e/api",
      "/media\\..\\api",
      "/media/a\\b.jpg",
      "/media/",
      "/media",
      "media/x.jpg",
      "javascript:alert(1)",
      "data:image/png;base64,AAAA",
      `/media/${"a".repeat(600)}.jpg`,
    ]) {
      expect(isMediaUrlPath(bad), bad).toBe(false);
    }
  });
});

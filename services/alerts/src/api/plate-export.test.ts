import { describe, expect, it } from "vitest";
import type { PlateRead } from "@vigil/contracts";
import { loadAlertsEnv } from "../env.js";
import { absoluteMediaUrl, exportFilename, mediaBaseUrl, plateExportCsv, vietnamTime } from "./plate-export.js";

const read = (over: Partial<PlateRead> = {}): PlateRead => ({
  id: "8a4b6c1e-0d6f-4c36-9a53-0f1e2d3c4b01",
  cameraId: "q1-nguyen-hue",
  ts: "2026-12-03T12:05:09.000Z",
  plate: "51F12345",
  display: "51F-123.45",
  rows: 1,
  confidence: 0.91234,
  bbox: [0.1, 0.1, 0.2, 0.1],
  snapshot: "/media/q1/2026-12-03/e1.jpg",
  crop: "/media/q1/2026-12-03/e1-crop.jpg",
  ...over,
});

describe("media links", () => {
  it("use PUBLIC_BASE_URL when configured (with its path, without a trailing slash)", () => {
    expect(mediaBaseUrl("https://ops.example.vn/vigil/", { protocol: "http", host: "10.0.0.5:8080" })).toBe("https://ops.example.vn/vigil");
  });

  it("otherwise use the request's protocol and host", () => {
    expect(mediaBaseUrl(undefined, { protocol: "http", host: "127.0.0.1:8080" })).toBe("http://127.0.0.1:8080");
    expect(mediaBaseUrl(undefined, { protocol: "https", host: "ops.example.vn" })).toBe("https://ops.example.vn");
  });

  it("give no base for a host header that is not a host", () => {
    for (const host of ["evil.example/phish?x=", "user@evil.example", "", "a b"]) expect(mediaBaseUrl(undefined, { protocol: "http", host }), host).toBeNull();
  });

  it("link only this system's /media paths", () => {
    expect(absoluteMediaUrl("https://ops.example.vn", "/media/a/b.jpg")).toBe("https://ops.example.vn/media/a/b.jpg");
    for (const p of ["/api/v1/plates?q=1", "https://evil.example/x.jpg", "/media/../secret", null, undefined]) expect(absoluteMediaUrl("https://ops.example.vn", p)).toBe("");
    expect(absoluteMediaUrl(null, "/media/a/b.jpg")).toBe("");
  });
});

describe("plateExportCsv", () => {
  it("writes Vietnam time, the province, the camera's name and absolute links, in the chosen language", () => {
    const csv = plateExportCsv([read(), read({ snapshot: null, crop: null, cameraId: "gone" })], { lang: "en", cameraName: (id) => (id === "q1-nguyen-hue" ? "Q1 · Nguyễn Huệ" : ""), mediaBase: "https://ops.example.vn" });
    const lines = csv.replace(/^\uFEFF/, "").trimEnd().split("\r\n");
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(lines[0]).toBe("Time (Vietnam),Plate,Plate and province,Camera id,Camera,Confidence,Snapshot,Plate crop,Read id");
    expect(lines[1]).toBe(
      "2026-12-03T19:05:09+07:00,51F-123.45,51F-123.45 · TP. Hồ Chí Minh,q1-nguyen-hue,Q1 · Nguyễn Huệ,0.912,https://ops.example.vn/media/q1/2026-12-03/e1.jpg,https://ops.example.vn/media/q1/2026-12-03/e1-crop.jpg,8a4b6c1e-0d6f-4c36-9a53-0f1e2d3c4b01",
    );
    expect(lines[2]).toMatch(/,gone,,0\.912,,,8a4b/);
  });

  it("neutralises formulas in any text cell", () => {
    const csv = plateExportCsv([read()], { lang: "vi", cameraName: () => "=cmd|' /C calc'!A0", mediaBase: null });
    expect(csv).toContain(",'=cmd|' /C calc'!A0,");
    expect(csv.split("\r\n")[0]).toBe("\uFEFFThời gian (giờ VN),Biển số,Biển số và tỉnh/thành,Mã camera,Camera,Độ tin cậy,Ảnh,Ảnh biển số,Mã bản ghi");
  });
});

describe("names and times", () => {
  it("formats Vietnam time with its offset", () => {
    expect(vietnamTime("2026-12-31T17:30:00Z")).toBe("2027-01-01T00:30:00+07:00");
  });

  it("names the file after the plate and the export time", () => {
    expect(exportFilename("51F-123.45", Date.parse("2026-12-03T12:05:09Z"))).toBe("vigil-plates-51F12345-20261203-1905.csv");
    expect(exportFilename(undefined, Date.parse("2026-12-03T12:05:09Z"))).toBe("vigil-plates-window-20261203-1905.csv");
  });
});

describe("env", () => {
  const base = { VIGIL_ADMIN_PASSWORD: "a-long-admin-password" };
  it("reads PUBLIC_BASE_URL and TRUST_PROXY", () => {
    expect(loadAlertsEnv({ ...base, PUBLIC_BASE_URL: "https://ops.example.vn/vigil" }).PUBLIC_BASE_URL).toBe("https://ops.example.vn/vigil");
    expect(() => loadAlertsEnv({ ...base, PUBLIC_BASE_URL: "ops.example.vn" })).toThrow(/PUBLIC_BASE_URL/);
    expect(loadAlertsEnv(base).TRUST_PROXY).toBeUndefined();
    expect(loadAlertsEnv({ ...base, TRUST_PROXY: "true" }).TRUST_PROXY).toBe(true);
    expect(loadAlertsEnv({ ...base, TRUST_PROXY: "1" }).TRUST_PROXY).toBe(1);
    expect(loadAlertsEnv({ ...base, TRUST_PROXY: "10.0.0.0/8, 127.0.0.1" }).TRUST_PROXY).toEqual(["10.0.0.0/8", "127.0.0.1"]);
  });
});

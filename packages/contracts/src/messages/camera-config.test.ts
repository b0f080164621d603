import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { decodePayload, encodePayload } from "../parse.js";
import { cameraConfigSchema, camerasFileSchema, redactUrl } from "./camera-config.js";

const YAML_FILE = `
# CAMERAS_FILE as an operator writes it
cameras:
  - id: nguyen-hue-01
    name: "Nguyễn Huệ / Lê Lợi"
    url: rtsp://viewer:s3cr3t@10.0.0.21:554/Streaming/Channels/101
    lat: 10.7743
    lon: 106.7038
    heading: 180
    fovDeg: 70
    rangeM: 60
    analytics: [plates]
    sampleFps: 4
    keyframesOnly: false
  - id: kho_hang
    name: Kho hàng
    url: ./media/demo/street.mp4
    lat: 10.80
    lon: 106.65
`;

const reasonOf = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  return r.success ? "" : z.prettifyError(r.error);
};

const base = { id: "cam-1", name: "Cam 1", url: "rtsp://10.0.0.1/stream", lat: 10.7, lon: 106.7 };

describe("CAMERAS_FILE", () => {
  it("accepts the YAML form { cameras: [...] } and fills defaults", () => {
    const cams = camerasFileSchema.parse(parseYaml(YAML_FILE));
    expect(cams).toHaveLength(2);
    expect(cams[0]).toMatchObject({ id: "nguyen-hue-01", analytics: ["plates"], sampleFps: 4, heading: 180 });
    // Omitted analytics means both.
    expect(cams[1]!.analytics).toEqual(["plates", "fire"]);
    expect(cams[1]!.url).toBe("./media/demo/street.mp4");
  });

  it("accepts a bare JSON list, and round-trips through encode/decode", () => {
    const list = camerasFileSchema.parse(parseYaml(YAML_FILE));
    const decoded = decodePayload(camerasFileSchema, JSON.stringify(list));
    expect(decoded).toEqual({ ok: true, value: list });
    expect(decodePayload(camerasFileSchema, encodePayload(camerasFileSchema, { cameras: list }))).toEqual({ ok: true, value: list });
  });

  it("rejects duplicate ids, naming the second one", () => {
    const reason = reasonOf(camerasFileSchema, [base, { ...base, name: "again" }]);
    expect(reason).toContain('duplicate camera id "cam-1"');
    expect(reason).toContain("→ at [1].id");
  });

  it("says what the file must look like when it is neither a list nor { cameras }", () => {
    for (const v of ["cams", 42, null, { cams: [] }, { cameras: "x" }]) {
      expect(reasonOf(camerasFileSchema, v)).toContain("must be a list of cameras, or an object { cameras: [...] }");
    }
  });

  it("points into the right camera of the YAML form", () => {
    const doc = parseYaml(YAML_FILE) as { cameras: Array<Record<string, unknown>> };
    doc.cameras[1]!.lat = 123;
    expect(reasonOf(camerasFileSchema, doc)).toContain("→ at cameras[1].lat");
  });
});

describe("camera config", () => {
  it.each([
    ["an rtsps URL", { url: "rtsps://user:pw@cam.example:322/live" }],
    ["a local file path", { url: "/srv/video/loop.mp4" }],
    ["a Windows path", { url: "C:\\video\\loop.mp4" }],
    ["heading 0 and 360", { heading: 360 }],
    ["disabled", { enabled: false }],
  ])("accepts %s", (_what, patch) => {
    expect(cameraConfigSchema.safeParse({ ...base, ...patch }).success).toBe(true);
  });

  it.each([
    ["an http URL", { url: "http://10.0.0.1/mjpeg" }, "url", "url must be rtsp://"],
    ["an empty URL", { url: "" }, "url", "Too small"],
    ["a latitude beyond 90", { lat: 91 }, "lat", "<=90"],
    ["a longitude beyond 180", { lon: -181 }, "lon", ">=-180"],
    ["a heading beyond 360", { heading: 400 }, "heading", "<=360"],
    ["a zero field of view", { fovDeg: 0 }, "fovDeg", ">0"],
    ["60 samples a second", { sampleFps: 60 }, "sampleFps", "<=30"],
    ["an unknown analytic", { analytics: ["smell"] }, "analytics[0]", "plates"],
    ["an id with spaces", { id: "cam 1" }, "id", "camera id must be letters"],
    ["a typo'd key (strict)", { analytic: ["fire"] }, "", 'Unrecognized key: "analytic"'],
    ["a missing name", { name: undefined }, "name", "expected string"],
  ])("rejects %s, naming the field", (_what, patch, field, message) => {
    const reason = reasonOf(cameraConfigSchema, { ...base, ...patch });
    expect(reason).toContain(message);
    if (field) expect(reason).toContain(`→ at ${field}`);
  });
});

describe("redactUrl", () => {
  it.each([
    ["rtsp://admin:secret@10.0.0.1:554/stream", "rtsp://***:***@10.0.0.1:554/stream"],
    ["rtsps://u@host/x", "rtsps://***:***@host/x"],
    ["rtsp://user:p@ss@10.0.0.1/ch1", "rtsp://***:***@10.0.0.1/ch1"], // an '@' inside the password must not leak the rest
    ["rtsp://10.0.0.1:554/stream", "rtsp://10.0.0.1:554/stream"],
    ["/srv/video/loop.mp4", "/srv/video/loop.mp4"],
  ])("%s → %s", (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
    expect(redactUrl(url)).not.toMatch(/secret|p@ss|admin/);
  });
});

import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { decodePayload, encodePayload } from "../parse.js";
import { parsePlate } from "../plate/index.js";
import { alertMessage, alertSchema } from "./alert.js";
import { analyzeResponseSchema } from "./analyze.js";
import { cameraStatusMessage, cameraStatusSchema } from "./camera-status.js";
import { deadLetterMessage, deadLetterSchema } from "./deadletter.js";
import { fireEventMessage, fireEventSchema } from "./fire-event.js";
import { frameHeaderSchema, frameMessage, shardForCamera } from "./frame.js";
import { plateEventMessage, plateEventSchema } from "./plate-event.js";
import { serviceStatusMessage, serviceStatusSchema } from "./service-status.js";

const ts = "2026-11-23T06:30:00.000Z";
type Json = Record<string, unknown>;

interface MessageCase {
  name: string;
  schema: z.ZodType;
  valid: Json[];
  /** [what is wrong, how to break a valid payload, the field the reason must name] */
  bad: Array<[string, (v: Json) => Json, string]>;
}

const set = (path: string, value: unknown) => (v: Json) => {
  const copy = structuredClone(v);
  const keys = path.split(".");
  let node: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
  if (value === undefined) delete node[keys.at(-1)!];
  else node[keys.at(-1)!] = value;
  return copy;
};

const CASES: MessageCase[] = [
  {
    name: "camera status",
    schema: cameraStatusSchema,
    valid: [
      { schemaVersion: 1, cameraId: "cam-01", state: "online", ts, fps: 2, lastFrameTs: ts, framesSampled: 10, framesDropped: 0, restarts: 0 },
      { schemaVersion: 1, cameraId: "gate_2", state: "offline", ts, fps: 0, lastFrameTs: null, error: "connection refused" },
    ],
    bad: [
      ["unknown state", set("state", "broken"), "state"],
      ["negative fps", set("fps", -1), "fps"],
      ["camera id with a slash (it goes into a topic)", set("cameraId", "cam/1"), "cameraId"],
      ["timestamp that is not ISO 8601", set("ts", "yesterday"), "ts"],
      ["missing lastFrameTs", set("lastFrameTs", undefined), "lastFrameTs"],
      ["wrong schema version", set("schemaVersion", 2), "schemaVersion"],
    ],
  },
  {
    name: "inference service status",
    schema: serviceStatusSchema,
    valid: [
      { schemaVersion: 1, service: "inference", shard: 0, shardCount: 1, state: "online", ts, instance: "gpu-1:4242" },
      { schemaVersion: 1, service: "inference", shard: 3, shardCount: 4, state: "offline", ts },
    ],
    bad: [
      ["unknown state", set("state", "degraded"), "state"],
      ["another service", set("service", "alerts"), "service"],
      ["shard not below the shard count", set("shard", 1), "shard"],
      ["negative shard", set("shard", -1), "shard"],
      ["fractional shard", set("shard", 0.5), "shard"],
      ["zero shards", set("shardCount", 0), "shardCount"],
      ["timestamp that is not ISO 8601", set("ts", "now"), "ts"],
      ["empty instance", set("instance", ""), "instance"],
      ["wrong schema version", set("schemaVersion", 2), "schemaVersion"],
    ],
  },
  {
    name: "plate event",
    schema: plateEventSchema,
    valid: [
      {
        schemaVersion: 1,
        id: randomUUID(),
        cameraId: "cam-01",
        ts,
        plate: "51F12345",
        display: "51F-123.45",
        rows: 1,
        confidence: 0.93,
        bbox: [0.1, 0.2, 0.3, 0.1],
        frames: 5,
        snapshot: "/media/snapshots/2026-11-23/abc.jpg",
        revision: 1,
        charConfidences: [0.99, 0.98, 0.9, 0.95, 0.97, 0.96, 0.99, 0.92],
      },
      { schemaVersion: 1, id: randomUUID(), cameraId: "cam-02", ts: "2026-11-23T13:30:00+07:00", plate: "59X123456", display: "59-X1 234.56", rows: 2, confidence: 0.7, bbox: [0, 0, 1, 1], frames: 1 },
    ],
    bad: [
      ["display form where the key belongs", set("plate", "51F-123.45"), "plate"],
      ["three rows", set("rows", 3), "rows"],
      ["confidence above 1", set("confidence", 1.5), "confidence"],
      ["box outside the frame", set("bbox", [0, 0, 2, 0]), "bbox"],
      ["box with three numbers", set("bbox", [0, 0, 1]), "bbox"],
      ["zero frames", set("frames", 0), "frames"],
      ["id that is not a UUID", set("id", "42"), "id"],
      ["missing camera", set("cameraId", undefined), "cameraId"],
    ],
  },
  {
    name: "fire event",
    schema: fireEventSchema,
    valid: [
      {
        schemaVersion: 1,
        id: randomUUID(),
        cameraId: "warehouse",
        ts,
        kind: "fire",
        confidence: 0.81,
        boxes: [{ bbox: [0.4, 0.4, 0.2, 0.3], confidence: 0.81 }],
        confirmedFrames: 3,
        snapshot: "/media/fire/x.jpg",
        revision: 0,
      },
      { schemaVersion: 1, id: randomUUID(), cameraId: "warehouse", ts, kind: "smoke", confidence: 0.6, boxes: [], confirmedFrames: 1 },
    ],
    bad: [
      ["unknown kind", set("kind", "lava"), "kind"],
      ["box outside the frame", (v) => ({ ...v, boxes: [{ bbox: [0, 0, 1.2, 0], confidence: 0.5 }] }), "boxes[0].bbox"],
      ["unconfirmed", set("confirmedFrames", 0), "confirmedFrames"],
      ["boxes not a list", set("boxes", "many"), "boxes"],
    ],
  },
  {
    name: "alert",
    schema: alertSchema,
    valid: [
      {
        schemaVersion: 1,
        id: randomUUID(),
        type: "watchlist_hit",
        severity: "critical",
        cameraId: "cam-01",
        ts,
        state: "new",
        eventId: randomUUID(),
        plate: "51F12345",
        display: "51F-123.45",
        matchKind: "fuzzy",
        watchlistId: randomUUID(),
        reason: "stolen vehicle",
      },
      { schemaVersion: 1, id: randomUUID(), type: "camera_offline", severity: "medium", cameraId: "cam-01", ts, state: "resolved", updatedAt: ts, updatedBy: "admin", note: "back online" },
    ],
    bad: [
      ["unknown type", set("type", "intrusion"), "type"],
      ["unknown severity", set("severity", "urgent"), "severity"],
      ["unknown state", set("state", "closed"), "state"],
      ["event id that is not a UUID", set("eventId", "evt-1"), "eventId"],
      ["unknown match kind", set("matchKind", "guess"), "matchKind"],
    ],
  },
  {
    name: "dead letter",
    schema: deadLetterSchema,
    valid: [{ schemaVersion: 1, id: randomUUID(), ts, sourceTopic: "vigil/events/plate", consumer: "alerts", reason: "✖ Invalid UUID\n  → at id", payload: "{\"id\":1}" }],
    bad: [
      ["reason too long", set("reason", "x".repeat(4001)), "reason"],
      ["missing source topic", set("sourceTopic", undefined), "sourceTopic"],
      ["payload too large", set("payload", "x".repeat(65537)), "payload"],
    ],
  },
  {
    name: "frame header",
    schema: frameHeaderSchema,
    valid: [{ schemaVersion: 1, cameraId: "cam-01", seq: 0, captureTs: Date.parse(ts), width: 1920, height: 1080, format: "jpeg", analytics: ["plates", "fire"] }],
    bad: [
      ["unknown pixel format", set("format", "bmp"), "format"],
      ["zero width", set("width", 0), "width"],
      ["negative sequence", set("seq", -1), "seq"],
      ["fractional capture time", set("captureTs", 1.5), "captureTs"],
      ["unknown analytic", set("analytics", ["plates", "smell"]), "analytics"],
    ],
  },
  {
    name: "analyze response",
    schema: analyzeResponseSchema,
    valid: [
      {
        plates: [{ plate: "51F12345", display: "51F-123.45", rows: 1, confidence: 0.9, bbox: [0.1, 0.1, 0.2, 0.05], province: "TP. Hồ Chí Minh", valid: true }],
        fire: [{ kind: "smoke", confidence: 0.55, bbox: [0, 0, 0.5, 0.5] }],
        timingsMs: { decode: 3.2, detect: 41.5, ocr: 12 },
      },
      { plates: [], fire: [], timingsMs: {} },
    ],
    bad: [
      ["three rows", (v) => ({ ...v, plates: [{ plate: "51F12345", display: "51F-123.45", rows: 3, confidence: 0.9, bbox: [0, 0, 0, 0] }] }), "plates[0].rows"],
      ["unknown fire kind", (v) => ({ ...v, fire: [{ kind: "steam", confidence: 0.5, bbox: [0, 0, 0, 0] }] }), "fire[0].kind"],
      ["timing that is not a number", set("timingsMs", { decode: "fast" }), "timingsMs.decode"],
      ["missing plates", set("plates", undefined), "plates"],
    ],
  },
];

describe.each(CASES)("$name", ({ schema, valid, bad }) => {
  it.each(valid.map((v, i) => [i, v] as const))("round-trips example %i through encodePayload → decodePayload", (_i, value) => {
    const text = encodePayload(schema, value);
    const decoded = decodePayload(schema, text);
    expect(decoded).toEqual({ ok: true, value: schema.parse(value) });
    // MQTT hands consumers bytes: Buffer and plain Uint8Array decode the same.
    expect(decodePayload(schema, Buffer.from(text))).toEqual(decoded);
    expect(decodePayload(schema, new TextEncoder().encode(text))).toEqual(decoded);
  });

  it("ignores unknown fields (consumers must accept newer producers)", () => {
    const decoded = decodePayload(schema, JSON.stringify({ ...valid[0], addedInVersion2: { any: "thing" } }));
    expect(decoded.ok).toBe(true);
    if (decoded.ok) expect(decoded.value).not.toHaveProperty("addedInVersion2");
  });

  it.each(bad)("rejects a payload with %s, naming the field", (_what, breakIt, field) => {
    const broken = breakIt(valid[0]!);
    const decoded = decodePayload(schema, JSON.stringify(broken));
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toContain(`→ at ${field}`);
    expect(() => encodePayload(schema, broken)).toThrow();
  });

  it("rejects invalid JSON, an empty payload and non-objects with a clear reason", () => {
    for (const payload of ["{not json", "", Buffer.from([0xff, 0xfe, 0x7b])]) {
      const decoded = decodePayload(schema, payload);
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.reason).toMatch(/^payload is not valid JSON: /);
    }
    for (const payload of ["null", "42", '"text"', "[]"]) {
      const decoded = decodePayload(schema, payload);
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.reason).toMatch(/expected (object|record)/);
    }
  });
});

describe("plate events agree with the plate module", () => {
  it("a parsed plate's key and display make a valid event", () => {
    for (const text of ["51F-123.45", "59-X1 234.56", "29-MĐ1 013.53", "80NG-636-70", "TM-12-34"]) {
      const p = parsePlate(text);
      const event = { schemaVersion: 1, id: randomUUID(), cameraId: "c1", ts, plate: p.key, display: p.display, rows: p.rows, confidence: 0.9, bbox: [0, 0, 0.1, 0.1], frames: 3 };
      expect(plateEventSchema.safeParse(event).success, text).toBe(true);
    }
  });
});

describe("topics, QoS and retain (SPEC)", () => {
  it("builds the documented topics with the default and a custom prefix", () => {
    expect(cameraStatusMessage.topic("cam-01")).toBe("vigil/cameras/cam-01/status");
    expect(cameraStatusMessage.topic("cam-01", "test/abc")).toBe("test/abc/cameras/cam-01/status");
    expect(cameraStatusMessage.subscription()).toBe("vigil/cameras/+/status");
    expect(plateEventMessage.topic()).toBe("vigil/events/plate");
    expect(fireEventMessage.topic("x")).toBe("x/events/fire");
    expect(alertMessage.topic()).toBe("vigil/alerts");
    expect(deadLetterMessage.topic()).toBe("vigil/deadletter");
    expect(frameMessage.topic(3)).toBe("vigil/frames/3");
    expect(serviceStatusMessage.topic(2)).toBe("vigil/services/inference/2/status");
    expect(serviceStatusMessage.topic(0, "test/abc")).toBe("test/abc/services/inference/0/status");
    expect(serviceStatusMessage.subscription("test/abc")).toBe("test/abc/services/inference/+/status");
  });

  it("retains camera and service status only; every event is QoS 1", () => {
    expect([cameraStatusMessage.qos, cameraStatusMessage.retain]).toEqual([1, true]);
    expect([serviceStatusMessage.qos, serviceStatusMessage.retain]).toEqual([1, true]);
    for (const m of [plateEventMessage, fireEventMessage, alertMessage, deadLetterMessage]) {
      expect(m.qos).toBe(1);
      expect(m.retain).toBe(false);
      expect(m.schemaVersion).toBe(1);
    }
  });
});

describe("shardForCamera", () => {
  it("is stable, in range, and spreads cameras over the shards", () => {
    expect(shardForCamera("cam-01", 4)).toBe(shardForCamera("cam-01", 4));
    expect(shardForCamera("anything", 1)).toBe(0);
    expect(shardForCamera("anything", 0)).toBe(0);
    const counts = new Array<number>(4).fill(0);
    for (let i = 0; i < 400; i++) {
      const s = shardForCamera(`cam-${i}`, 4);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(4);
      counts[s]!++;
    }
    // 400 cameras over 4 shards: none starved or overloaded.
    for (const c of counts) expect(c).toBeGreaterThan(60);
  });
});

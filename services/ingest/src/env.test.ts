import { describe, expect, it } from "vitest";
import { EnvError } from "@vigil/contracts/node";
import { loadIngestEnv } from "./env.js";

describe("ingest env", () => {
  it("applies defaults", () => {
    const env = loadIngestEnv({ CAMERAS_FILE: "cams.yaml" });
    expect(env).toMatchObject({ INGEST_PORT: 8082, INGEST_FRAME_WIDTH: 1280, FRAME_SHARDS: 1, INFERENCE_STATUS_GRACE_S: 10, MQTT_URL: "mqtt://127.0.0.1:1883", MQTT_TOPIC_PREFIX: "vigil", INGEST_FRAME_FIFO: true });
    expect(env.INGEST_SHARD).toBeUndefined();
    expect(loadIngestEnv({ CAMERAS_FILE: "c", INGEST_FRAME_FIFO: "false" }).INGEST_FRAME_FIFO).toBe(false);
  });

  it("parses INGEST_SHARD", () => {
    expect(loadIngestEnv({ CAMERAS_FILE: "c", INGEST_SHARD: "1/3" }).INGEST_SHARD).toEqual({ index: 1, count: 3 });
  });

  it("lists every problem at once", () => {
    try {
      loadIngestEnv({ INGEST_SHARD: "3/3", INGEST_PORT: "x" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      const problems = (err as EnvError).problems.join("\n");
      expect(problems).toMatch(/CAMERAS_FILE/);
      expect(problems).toMatch(/INGEST_SHARD/);
      expect(problems).toMatch(/INGEST_PORT/);
    }
  });
});

describe("ingest env: the alert service's internal camera route", () => {
  it("takes ALERTS_URL and INGEST_API_TOKEN together", () => {
    const token = "t".repeat(32);
    expect(loadIngestEnv({ CAMERAS_FILE: "c", ALERTS_URL: "http://alerts:8080", INGEST_API_TOKEN: token })).toMatchObject({ ALERTS_URL: "http://alerts:8080", INGEST_API_TOKEN: token });
    expect(() => loadIngestEnv({ CAMERAS_FILE: "c", ALERTS_URL: "http://alerts:8080" })).toThrow(/INGEST_API_TOKEN/);
    // The token alone guards ingest's live-view and clip routes (#17).
    expect(loadIngestEnv({ CAMERAS_FILE: "c", INGEST_API_TOKEN: token })).toMatchObject({ INGEST_API_TOKEN: token });
    expect(() => loadIngestEnv({ CAMERAS_FILE: "c", ALERTS_URL: "ftp://alerts", INGEST_API_TOKEN: token })).toThrow(/ALERTS_URL/);
  });
});

import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { booleanFromEnv, commonEnvShape, EnvError, parseEnv } from "./env.js";
import { createLogger, redactCredentials } from "./logger.js";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  return { lines, destination, text: () => lines.join("") };
}

describe("createLogger never writes credentials", () => {
  it("masks URL credentials in messages, fields, nested objects and errors", () => {
    const out = capture();
    const log = createLogger({ name: "test", level: "debug", destination: out.destination });
    log.info("connecting to rtsp://admin:hunter2@10.0.0.5:554/ch1");
    log.info({ camera: { url: "rtsp://viewer:p@ss@10.0.0.6/live" } }, "camera added");
    log.warn({ databaseUrl: "postgres://vigil:dbpass@db/vigil", config: { password: "letmein", token: "tok123" } }, "config");
    log.error({ err: new Error("ffmpeg failed: rtsp://root:toor@cam/stream 401") }, "ingest failed");
    log.debug({ headers: { authorization: "Bearer abc.def" } }, "request");
    const text = out.text();
    for (const secret of ["hunter2", "p@ss", "ss@10.0.0.6", "dbpass", "letmein", "tok123", "toor", "abc.def"]) {
      expect(text, secret).not.toContain(secret);
    }
    // What is left is still useful: hosts and messages survive.
    expect(text).toContain("10.0.0.5:554/ch1");
    expect(text).toContain("ffmpeg failed");
    expect(out.lines).toHaveLength(5);
  });

  it("redactCredentials masks every URL in a free text", () => {
    expect(redactCredentials("a rtsp://u:p@h1/x and rtsp://v:q@h2/y")).toBe("a rtsp://***:***@h1/x and rtsp://***:***@h2/y");
    expect(redactCredentials("mail ops@example.com about rtsp://h/x")).toBe("mail ops@example.com about rtsp://h/x");
  });
});

describe("parseEnv", () => {
  const schema = z.object({ ...commonEnvShape, PORT: z.coerce.number().int().min(1).max(65535).default(8080), DEBUG: booleanFromEnv.optional() });

  it("applies defaults and treats empty strings as unset", () => {
    const env = parseEnv(schema, { PORT: "", MQTT_URL: "mqtt://127.0.0.1:1883", DEBUG: "yes" });
    expect(env).toMatchObject({ PORT: 8080, MQTT_TOPIC_PREFIX: "vigil", LOG_LEVEL: "info", NODE_ENV: "development", DEBUG: true });
  });

  it("lists every problem at once, naming each variable", () => {
    try {
      parseEnv(schema, { PORT: "99999", MQTT_URL: "http://broker", LOG_LEVEL: "loud" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      const problems = (err as EnvError).problems;
      expect(problems).toHaveLength(3);
      expect(problems).toEqual(
        expect.arrayContaining([expect.stringMatching(/^PORT: Too big/), expect.stringMatching(/^MQTT_URL: must be an mqtt/), expect.stringMatching(/^LOG_LEVEL: /)]),
      );
      expect((err as Error).message).toContain("LOG_LEVEL");
    }
  });
});

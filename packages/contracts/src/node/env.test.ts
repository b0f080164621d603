import { describe, expect, it } from "vitest";
import { z } from "zod";
import { EnvError, commonEnvShape, parseEnv } from "./env.js";

const schema = z.object({ ...commonEnvShape, PORT: z.coerce.number().int().min(1).max(65535).default(8080) });

describe("parseEnv", () => {
  it("applies defaults and treats empty strings as unset", () => {
    const env = parseEnv(schema, { PORT: "", LOG_LEVEL: "debug" });
    expect(env).toMatchObject({ PORT: 8080, LOG_LEVEL: "debug", MQTT_TOPIC_PREFIX: "vigil" });
  });

  it("lists every problem at once, naming each variable", () => {
    try {
      parseEnv(schema, { PORT: "99999", MQTT_URL: "http://x", LOG_LEVEL: "loud" });
      expect.unreachable("should have thrown");
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      const problems = (err as EnvError).problems;
      expect(problems).toHaveLength(3);
      expect(problems.join("\n")).toMatch(/PORT/);
      expect(problems.join("\n")).toMatch(/MQTT_URL/);
      expect(problems.join("\n")).toMatch(/LOG_LEVEL/);
    }
  });
});

import { describe, expect, it } from "vitest";
import { z } from "zod";
import { EnvError, commonEnvShape, loadEnvOrExit, parseEnv } from "./env.js";

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

describe("loadEnvOrExit", () => {
  // Stands in for process.exit: stops the loader's caller as exiting would.
  class Exited extends Error {
    constructor(readonly code: number) {
      super(`exit ${code}`);
    }
  }
  function io() {
    const written: string[] = [];
    return { written, writeError: (text: string) => written.push(text), exit: (code: number): never => { throw new Exited(code); } };
  }

  it("returns the loaded env and neither writes nor exits when it is valid", () => {
    const o = io();
    expect(loadEnvOrExit(() => parseEnv(schema, { PORT: "9000" }), o)).toMatchObject({ PORT: 9000 });
    expect(o.written).toEqual([]);
  });

  it("prints every problem of a bad env, then exits 1", () => {
    const o = io();
    expect(() => loadEnvOrExit(() => parseEnv(schema, { PORT: "99999", LOG_LEVEL: "loud" }), o)).toThrow(new Exited(1));
    expect(o.written).toHaveLength(1);
    expect(o.written[0]).toMatch(/^invalid configuration:\n/);
    expect(o.written[0]).toContain("\n  - PORT: ");
    expect(o.written[0]).toContain("\n  - LOG_LEVEL: ");
  });

  it("rethrows any other error without printing or exiting", () => {
    const o = io();
    const bug = new TypeError("not an env problem");
    expect(() => loadEnvOrExit(() => { throw bug; }, o)).toThrow(bug);
    expect(o.written).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { loginDelayMs, perAccountQueue } from "./auth-routes.js";

describe("login attempts of one account", () => {
  it("run one after another, whatever the case of the name; other accounts do not wait", async () => {
    const inTurn = perAccountQueue();
    const log: string[] = [];
    const slow = (name: string, ms: number) => inTurn(name, async () => {
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`end ${name}`);
      return name;
    });
    const results = await Promise.all([slow("duty1", 30), slow("DUTY1", 1), slow("other", 1)]);
    expect(results).toEqual(["duty1", "DUTY1", "other"]);
    // DUTY1 starts only after duty1 ended; "other" ran meanwhile.
    expect(log.indexOf("start DUTY1")).toBeGreaterThan(log.indexOf("end duty1"));
    expect(log.indexOf("end other")).toBeLessThan(log.indexOf("end duty1"));
  });

  it("a failed attempt does not stop the next one", async () => {
    const inTurn = perAccountQueue();
    const first = inTurn("a", async () => {
      throw new Error("database down");
    });
    const second = inTurn("a", async () => "ran");
    await expect(first).rejects.toThrow("database down");
    await expect(second).resolves.toBe("ran");
  });
});

describe("progressive login delay", () => {
  it("is none for the first 5 failures of the hour, then doubles from 250 ms every 5 failures up to 8 s", () => {
    expect([0, 4, 5, 9, 10, 15, 20, 25, 30, 99].map(loginDelayMs)).toEqual([0, 0, 250, 250, 500, 1_000, 2_000, 4_000, 8_000, 8_000]);
  });
});

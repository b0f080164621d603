import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";
import { createStopStack } from "./lifecycle.js";

describe("stop stack", () => {
  it("stops in the reverse order of start-up, once, and goes on past a failing step", async () => {
    const lines: string[] = [];
    const logger = createLogger({ name: "t", level: "warn", destination: { write: (l: string) => void lines.push(l) } as unknown as NodeJS.WritableStream });
    const stack = createStopStack(logger);
    const order: string[] = [];
    stack.push("broker", () => void order.push("broker"));
    stack.push("database", async () => {
      order.push("database");
      throw new Error("disk gone");
    });
    stack.push("service", async () => void order.push("service"));
    await stack.stopAll();
    await stack.stopAll();
    expect(order).toEqual(["service", "database", "broker"]);
    expect(lines.map((l) => JSON.parse(l) as { step: string })).toMatchObject([{ step: "database" }]);
  });
});

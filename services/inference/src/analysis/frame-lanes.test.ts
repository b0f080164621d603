import { describe, expect, it } from "vitest";
import { FrameLanes } from "./frame-lanes.js";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("FrameLanes", () => {
  it("keeps one camera's frames in order while another camera's run beside them", async () => {
    const lanes = new FrameLanes(2);
    const log: string[] = [];
    const frame = (camera: string, n: number, ms: number) =>
      lanes.run(camera, async () => {
        log.push(`${camera}${n} start`);
        await tick(ms);
        log.push(`${camera}${n} end`);
      });
    await Promise.all([frame("a", 1, 30), frame("a", 2, 1), frame("b", 1, 5)]);
    // a2 waits for a1 although it is shorter; b1 does not wait for a1.
    expect(log.indexOf("a2 start")).toBeGreaterThan(log.indexOf("a1 end"));
    expect(log.indexOf("b1 end")).toBeLessThan(log.indexOf("a1 end"));
  });

  it("gives cameras lanes round-robin and keeps each camera on its lane", () => {
    const lanes = new FrameLanes(2);
    expect(["cam-1", "cam-2", "cam-3", "cam-4"].map((c) => lanes.lane(c))).toEqual([0, 1, 0, 1]);
    expect(lanes.lane("cam-2")).toBe(1);
  });

  it("tells each task its camera's lane", async () => {
    const lanes = new FrameLanes(2);
    const seen: number[] = [];
    for (const camera of ["a", "b", "c", "b"]) await lanes.run(camera, async (lane) => void seen.push(lane));
    expect(seen).toEqual([0, 1, 0, 1]);
  });

  it("goes on after a failed frame, and idle() waits for every lane", async () => {
    const lanes = new FrameLanes(2);
    const failed = lanes.run("a", async () => {
      throw new Error("bad frame");
    });
    await expect(failed).rejects.toThrow("bad frame");
    let done = 0;
    void lanes.run("a", async () => {
      await tick(10);
      done++;
    });
    void lanes.run("b", async () => {
      await tick(20);
      done++;
    });
    await lanes.idle();
    expect(done).toBe(2);
  });
});

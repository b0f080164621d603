import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { DecoderCpuMeter, parseProcStatCpuMs, processCpuMs } from "./process-cpu.js";

describe("decoder CPU per camera", () => {
  it("reads utime + stime after the command name, even one with spaces and parentheses", () => {
    const stat = "4242 (ffmpeg (q1) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 50 0 0 20 0 5 0 100 0 0";
    expect(parseProcStatCpuMs(stat)).toBe(3000); // (250 + 50) ticks at 100/s
  });

  it("gives ms per second since the last reading and forgets a process that is gone", () => {
    let cpu = 1_000;
    const meter = new DecoderCpuMeter(() => cpu);
    meter.track("cam-1", 1, 0);
    cpu = 1_250;
    expect(meter.sample(1_000)).toEqual([{ camera: "cam-1", msPerS: 250, cpuMsDelta: 250 }]);
    cpu = 1_250;
    expect(meter.sample(2_000)).toEqual([{ camera: "cam-1", msPerS: 0, cpuMsDelta: 0 }]);
    const gone = new DecoderCpuMeter(() => null);
    gone.track("cam-2", 2, 0);
    expect(gone.sample(1_000)).toEqual([]);
  });

  it("measures a real busy process on this machine", async () => {
    const busy = spawn(process.execPath, ["-e", "const end = Date.now() + 20000; while (Date.now() < end) {}"]);
    try {
      const meter = new DecoderCpuMeter();
      meter.track("busy", busy.pid!);
      const start = processCpuMs(busy.pid!)!;
      // However loaded the machine is, a spinning process gets CPU time eventually.
      const deadline = Date.now() + 15_000;
      while (processCpuMs(busy.pid!)! - start < 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const [reading] = meter.sample();
      expect(reading!.cpuMsDelta).toBeGreaterThanOrEqual(200);
      expect(reading!.msPerS).toBeGreaterThan(0);
    } finally {
      busy.kill("SIGKILL");
    }
  });
});

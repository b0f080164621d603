import { describe, expect, it } from "vitest";
import type { CameraConfig } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { followCamerasFile, type CamerasFileReload } from "./cameras-file-follower.js";

const camera = (id: string, url = "rtsp://10.0.0.1/s") => ({ id, name: id, url, lat: 10, lon: 106 }) as CameraConfig;
const settle = () => new Promise((r) => setTimeout(r, 0));

/** A follower over a fake file (`version`: what the next load returns or throws) and a fake watcher (`touch`). */
function harness(initial: CameraConfig[]) {
  let version: CameraConfig[] | Error = initial;
  let onChange: () => void = () => undefined;
  const applied: string[][] = [];
  const results: CamerasFileReload[] = [];
  const errors: { reason: string }[] = [];
  let applyGate: Promise<void> = Promise.resolve();
  const logger = createLogger({ name: "t", level: "error", destination: { write: (line: string) => void errors.push(JSON.parse(line)) } as unknown as NodeJS.WritableStream });
  const follower = followCamerasFile({
    file: "/etc/vigil/cameras.yaml",
    initial,
    apply: async (list) => {
      await applyGate;
      applied.push(list.map((c) => `${c.id}@${c.url}`));
    },
    logger,
    onReload: (r) => void results.push(r),
    load: async () => {
      if (version instanceof Error) throw version;
      return version;
    },
    watch: (_file, cb) => ((onChange = cb), { close: () => (onChange = () => undefined) }),
  });
  return {
    follower, applied, results, errors,
    set: (v: CameraConfig[] | Error) => void (version = v),
    touch: () => onChange(),
    hold: () => {
      let release!: () => void;
      applyGate = new Promise((r) => (release = r));
      return () => release();
    },
  };
}

describe("following the cameras file", () => {
  it("applies a changed file, skips an unchanged one, and keeps the cameras on an invalid one, logging the reason once", async () => {
    const h = harness([camera("a"), camera("b")]);
    h.touch(); // saved without a change
    await settle();
    expect(h.results).toEqual(["unchanged"]);
    expect(h.applied).toEqual([]);

    h.set([camera("a", "rtsp://10.0.0.2/s"), camera("c")]);
    h.touch();
    await settle();
    expect(h.applied).toEqual([["a@rtsp://10.0.0.2/s", "c@rtsp://10.0.0.1/s"]]);

    h.set(new Error("cameras.yaml: not valid YAML: bad indentation"));
    h.touch();
    await settle();
    h.touch(); // saved again, still broken: counted, not logged again
    await settle();
    expect(h.results).toEqual(["unchanged", "applied", "invalid", "invalid"]);
    expect(h.errors.map((e) => e.reason)).toEqual(["cameras.yaml: not valid YAML: bad indentation"]);
    expect(h.applied).toHaveLength(1);

    // Fixed: applied; broken again the same way: logged again (it is a new failure).
    h.set([camera("a", "rtsp://10.0.0.2/s")]);
    h.touch();
    await settle();
    h.set(new Error("cameras.yaml: not valid YAML: bad indentation"));
    h.touch();
    await settle();
    expect(h.applied).toHaveLength(2);
    expect(h.errors).toHaveLength(2);
    await h.follower.close();
  });

  it("runs one reload at a time and folds saves during one into a single look at the latest file", async () => {
    const h = harness([camera("a")]);
    const release = h.hold();
    h.set([camera("b")]);
    h.touch();
    await settle();
    h.set([camera("c")]);
    h.touch();
    h.set([camera("d")]);
    h.touch();
    expect(h.applied).toEqual([]); // b is still being applied
    release();
    for (let i = 0; i < 5; i++) await settle();
    expect(h.applied).toEqual([["b@rtsp://10.0.0.1/s"], ["d@rtsp://10.0.0.1/s"]]);
    expect(h.results).toEqual(["applied", "applied"]);
    await h.follower.close();
  });

  it("counts a version the database could not store as failed and tries it again on the next change", async () => {
    let fail = true;
    const results: CamerasFileReload[] = [];
    let onChange: () => void = () => undefined;
    const stored: string[][] = [];
    const follower = followCamerasFile({
      file: "/x/cameras.json",
      initial: [],
      apply: async (list) => {
        if (fail) throw new Error("database down");
        stored.push(list.map((c) => c.id));
      },
      logger: createLogger({ name: "t", level: "silent" }),
      onReload: (r) => void results.push(r),
      load: async () => [camera("a")],
      watch: (_f, cb) => ((onChange = cb), { close: () => undefined }),
    });
    onChange();
    await settle();
    fail = false;
    onChange();
    await settle();
    expect(results).toEqual(["failed", "applied"]);
    expect(stored).toEqual([["a"]]);
    await follower.close();
  });
});

import { describe, expect, it } from "vitest";
import type { CameraConfig } from "@vigil/contracts";
import { createLogger } from "@vigil/contracts/node";
import { createCameraService } from "./camera-service.js";
import { createCameraStatusTracker } from "../alerting/camera-status-tracker.js";
import type { CamerasRepository } from "../storage/cameras-repository.js";

const camera = (id: string) => ({ id, name: id, url: "rtsp://10.0.0.1/s", lat: 10, lon: 106 }) as CameraConfig;

/** An in-memory repository; `lists` counts database look-ups. */
function fakeRepository(initial: string[]) {
  const rows = new Map(initial.map((id) => [id, camera(id)]));
  const source = new Map<string, "file" | "api">(initial.map((id) => [id, "api"]));
  const stats = { lists: 0, sourcesRead: 0 };
  const repo = {
    list: async () => (stats.lists++, [...rows.values()]),
    get: async (id: string) => rows.get(id) ?? null,
    create: async (c: CameraConfig) => (rows.has(c.id) ? false : (rows.set(c.id, c), source.set(c.id, "api"), true)),
    sources: async () => (stats.sourcesRead++, new Map(source)),
    sourceOf: async (id: string) => source.get(id) ?? null,
    putFromFile: async (c: CameraConfig) => void (rows.set(c.id, c), source.set(c.id, "file")),
    upsert: async (c: CameraConfig) => void rows.set(c.id, c),
    update: async (c: CameraConfig) => void rows.set(c.id, c),
    remove: async (id: string) => rows.delete(id),
    count: async () => rows.size,
  } satisfies CamerasRepository;
  return { repo, rows, stats };
}

describe("camera service: registered ids for the consumer", () => {
  it("knows seeded, created and removed cameras, and looks an unknown id up at most every 2 s", async () => {
    let clock = 0;
    const { repo, rows, stats } = fakeRepository(["cam-1"]);
    const status = createCameraStatusTracker({ offlineAlertMs: 60_000, onOfflineTooLong: () => undefined, onBackOnline: () => undefined });
    const service = createCameraService({ cameras: repo, status, publishConfig: async () => undefined, logger: createLogger({ name: "t", level: "silent" }), now: () => clock });
    await service.seed([camera("cam-2")]);
    expect(service.isKnown("cam-1")).toBe(true);
    expect(service.isKnown("cam-2")).toBe(true);
    const lists = stats.lists;
    expect(service.isKnown("rogue")).toBe(false); // just loaded: no look-up
    expect(stats.lists).toBe(lists);

    await service.create(camera("cam-3"));
    expect(service.isKnown("cam-3")).toBe(true);
    await service.remove("cam-3");
    expect(service.isKnown("cam-3")).toBe(false);

    rows.set("cam-4", camera("cam-4")); // added through another instance
    clock += 2_500;
    expect(await service.isKnown("cam-4")).toBe(true);
    for (let i = 0; i < 100; i++) expect(await service.isKnown(`rogue-${i}`)).toBe(false); // a flood costs no look-ups
    expect(stats.lists).toBe(lists + 1 + 2); // the refresh above, plus one per create/remove push
    status.close();
  });
});

describe("camera service: the cameras file wins for the cameras it declares", () => {
  it("applies a changed URL from the file on the next start, keeps API-created cameras, and warns once about the difference", async () => {
    const { repo, rows } = fakeRepository(["api-cam"]);
    const warnings: string[] = [];
    const logger = createLogger({ name: "t", level: "warn", destination: { write: (line: string) => void warnings.push(line) } as unknown as NodeJS.WritableStream });
    const status = createCameraStatusTracker({ offlineAlertMs: 60_000, onOfflineTooLong: () => undefined, onBackOnline: () => undefined });
    const start = () => createCameraService({ cameras: repo, status, publishConfig: async () => undefined, logger });
    await start().seed([{ ...camera("gate"), url: "rtsp://10.0.0.1/old" }]);
    expect(warnings).toEqual([]);
    // Edited in the file between two starts: the file's URL is what runs, with one warning naming the field.
    await start().seed([{ ...camera("gate"), url: "rtsp://10.0.0.2/new" }]);
    expect(rows.get("gate")!.url).toBe("rtsp://10.0.0.2/new");
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({ camera: "gate", fields: ["url"], msg: expect.stringContaining("the cameras file wins") });
    // The camera created through the API is not in the file and stays.
    expect(rows.has("api-cam")).toBe(true);
    // Same file again: nothing to warn about.
    await start().seed([{ ...camera("gate"), url: "rtsp://10.0.0.2/new" }]);
    expect(warnings).toHaveLength(1);
  });
});

describe("camera service: the cameras file edited while running", () => {
  it("adds, updates and removes the file's cameras, keeps API-created ones, and warns only for a camera also edited through the API", async () => {
    const { repo, rows } = fakeRepository(["api-cam"]);
    const warnings: { camera: string; fields: string[]; msg: string }[] = [];
    const logger = createLogger({ name: "t", level: "warn", destination: { write: (line: string) => void warnings.push(JSON.parse(line)) } as unknown as NodeJS.WritableStream });
    const status = createCameraStatusTracker({ offlineAlertMs: 60_000, onOfflineTooLong: () => undefined, onBackOnline: () => undefined });
    const published: string[][] = [];
    const service = createCameraService({ cameras: repo, status, publishConfig: async (list) => void published.push(list.map((c) => c.id)), logger });
    expect(await service.seed([camera("a"), camera("b")])).toEqual({ added: ["a", "b"], updated: [], removed: [] });

    // Only the file changed: a new URL for a, b gone, c new — no warning, the API camera untouched.
    const applied = await service.seed([{ ...camera("a"), url: "rtsp://10.0.0.9/a" }, camera("c")]);
    expect(applied).toEqual({ added: ["c"], updated: ["a"], removed: ["b"] });
    expect([...rows.keys()].sort()).toEqual(["a", "api-cam", "c"]);
    expect(rows.get("a")!.url).toBe("rtsp://10.0.0.9/a");
    expect(service.isKnown("b")).toBe(false);
    expect(warnings).toEqual([]);

    // c renamed in the console, then the file changes c's URL: the file wins, one warning naming c and both fields.
    await service.patch("c", { name: "Renamed in the console" });
    warnings.length = 0;
    await service.seed([{ ...camera("a"), url: "rtsp://10.0.0.9/a" }, { ...camera("c"), url: "rtsp://10.0.0.9/c" }]);
    expect(rows.get("c")).toMatchObject({ name: "c", url: "rtsp://10.0.0.9/c" });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ camera: "c", msg: expect.stringContaining("the cameras file wins") });
    expect([...warnings[0]!.fields].sort()).toEqual(["name", "url"]);

    // An emptied file removes its cameras but never the API-created one.
    expect(await service.seed([])).toEqual({ added: [], updated: [], removed: ["a", "c"] });
    expect([...rows.keys()]).toEqual(["api-cam"]);
    await service.announce();
    expect(published.at(-1)).toEqual(["api-cam"]);
    status.close();
  });
});

describe("camera service: editing one camera", () => {
  it("looks up only that camera's source, and warns when it is the cameras file's", async () => {
    const { repo, rows, stats } = fakeRepository(Array.from({ length: 50 }, (_, i) => `api-${i}`));
    const warnings: string[] = [];
    const logger = createLogger({ name: "t", level: "warn", destination: { write: (line: string) => void warnings.push(line) } as unknown as NodeJS.WritableStream });
    const status = createCameraStatusTracker({ offlineAlertMs: 60_000, onOfflineTooLong: () => undefined, onBackOnline: () => undefined });
    const service = createCameraService({ cameras: repo, status, publishConfig: async () => undefined, logger });
    await service.seed([camera("gate")]);
    const sourcesRead = stats.sourcesRead;
    await service.patch("api-3", { name: "Renamed" });
    expect(rows.get("api-3")!.name).toBe("Renamed");
    expect(warnings).toEqual([]);
    await service.patch("gate", { name: "Gate 2" });
    expect(warnings.map((w) => JSON.parse(w) as { camera: string })).toMatchObject([{ camera: "gate" }]);
    // Neither patch read every camera's source.
    expect(stats.sourcesRead).toBe(sourcesRead);
    status.close();
  });
});

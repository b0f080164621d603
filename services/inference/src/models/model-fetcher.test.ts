import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelEntry } from "./manifest.js";
import { fetchModel, sha256File } from "./model-fetcher.js";

let dir: string;
let source: string;
let entry: ModelEntry;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "vigil-models-"));
  source = path.join(dir, "upstream.onnx");
  await writeFile(source, Buffer.from("pretend model weights"));
  entry = {
    name: "test-model",
    description: "",
    source: { kind: "url", url: pathToFileURL(source).href, file: "cache/test-model.onnx" },
    sha256: await sha256File(source),
    input: "",
    output: "",
    licence: "",
  };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("fetchModel", () => {
  it("downloads, verifies, then skips a file already present with the right hash", async () => {
    expect(await fetchModel(entry, dir)).toEqual({ name: "test-model", status: "downloaded" });
    expect(await readFile(path.join(dir, "cache/test-model.onnx"), "utf8")).toBe("pretend model weights");
    expect(await fetchModel(entry, dir)).toEqual({ name: "test-model", status: "present" });
  });

  it("replaces a corrupt local copy and refuses a download with the wrong hash", async () => {
    await writeFile(path.join(dir, "cache/test-model.onnx"), "corrupt");
    expect((await fetchModel(entry, dir)).status).toBe("downloaded");
    const bad = await fetchModel({ ...entry, name: "bad", sha256: "0".repeat(64), source: { ...entry.source, file: "cache/bad.onnx" } }, dir);
    expect(bad).toMatchObject({ status: "failed" });
    expect((bad as { error: string }).error).toMatch(/sha256 mismatch/);
    await expect(readFile(path.join(dir, "cache/bad.onnx"))).rejects.toThrow();
  });

  it("fails gracefully when the network is unreachable", async () => {
    const offline = { ...entry, name: "offline", source: { kind: "url" as const, url: "http://127.0.0.1:9/model.onnx", file: "cache/offline.onnx" } };
    const outcome = await fetchModel(offline, dir);
    expect(outcome.status).toBe("failed");
    await copyFile(source, path.join(dir, "cache/offline.onnx"));
    expect((await fetchModel(offline, dir)).status).toBe("present");
  });
});

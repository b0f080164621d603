import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { VIGIL_FIRE_MODEL_PATH } from "../detectors/fire-onnx.js";
import { VIGIL_FIRE_VERIFIER_PATH } from "../detectors/fire-verifier.js";
import { MODEL_MANIFEST, modelPath } from "./manifest.js";

describe("model manifest", () => {
  it("pins every model committed with the project: the file is there with the manifest's sha256 and size (a retrain updates both)", async () => {
    const repo = MODEL_MANIFEST.filter((m) => m.source.kind === "repo");
    expect(repo.map((m) => m.name)).toEqual(["vigil-fire-grid", "vigil-fire-verifier"]);
    for (const entry of repo) {
      const bytes = await readFile(modelPath(entry, "/nowhere"));
      expect({ name: entry.name, size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") }).toEqual({ name: entry.name, size: entry.sizeBytes, sha256: entry.sha256 });
    }
  });

  it("is where the fire detectors load their weights from", () => {
    expect(VIGIL_FIRE_MODEL_PATH).toBe(modelPath(MODEL_MANIFEST.find((m) => m.name === "vigil-fire-grid")!, ""));
    expect(VIGIL_FIRE_VERIFIER_PATH).toBe(modelPath(MODEL_MANIFEST.find((m) => m.name === "vigil-fire-verifier")!, ""));
    expect(VIGIL_FIRE_MODEL_PATH).toMatch(/models\/fire\/vigil-fire-grid\.onnx$/);
  });

  it("names each model once", () => {
    expect(new Set(MODEL_MANIFEST.map((m) => m.name)).size).toBe(MODEL_MANIFEST.length);
  });
});

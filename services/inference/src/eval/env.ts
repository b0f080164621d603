import { z } from "zod";
import { parseEnv } from "@vigil/contracts/node";
import { DEFAULT_FRAME_SCALER } from "@vigil/contracts";

/** Configuration of the evaluation commands: where the datasets and models are. */
export function loadEvalEnv(source: Record<string, string | undefined> = process.env) {
  return parseEnv(
    z.object({
      DATASETS_DIR: z.string().default("../shared/datasets"),
      MODELS_DIR: z.string().default("models/cache"),
      ONNX_THREADS: z.coerce.number().int().min(0).max(64).default(2),
      /** Evaluate every n-th crop only (quick runs). */
      EVAL_CROP_STRIDE: z.coerce.number().int().min(1).default(1),
      /**
       * How eval:plates gets its frames: `file` (the JPEG decoded at full size), or as ingest hands them over
       * (scaled to 1280 px in YUV by ffmpeg, then `ingest-rgb24` PPM or `ingest-yuv420` pgmyuv: #20's pixel formats).
       */
      EVAL_PLATE_FRAMES: z.enum(["file", "ingest-rgb24", "ingest-yuv420"]).default("file"),
      /** For the ingest-* frames: the scaler ingest runs (swscale, the service default; zscale with INGEST_SCALER=zscale|auto). */
      EVAL_INGEST_SCALER: z.enum(["zscale", "swscale"]).default(DEFAULT_FRAME_SCALER),
      EVAL_LIST_ERRORS: z.enum(["true", "false", "1", "0"]).default("false").transform((v) => v === "true" || v === "1"),
    }),
    source,
  );
}

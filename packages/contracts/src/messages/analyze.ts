import { z } from "zod";
import { fireKind } from "./fire-event.js";
import { normalisedBox, plateRows } from "./common.js";

/** Reply of POST /api/v1/analyze on the inference service. */
export const analyzeResponseSchema = z.object({
  plates: z.array(
    z.object({
      plate: z.string(),
      display: z.string(),
      rows: plateRows,
      confidence: z.number().min(0).max(1),
      bbox: normalisedBox,
      province: z.string().optional(),
      valid: z.boolean().optional(),
    }),
  ),
  fire: z.array(z.object({ kind: fireKind, confidence: z.number().min(0).max(1), bbox: normalisedBox })),
  timingsMs: z.record(z.string(), z.number()),
});
export type AnalyzeResponse = z.infer<typeof analyzeResponseSchema>;

export const ANALYZE_MAX_BYTES = 20 * 1024 * 1024;
export const ANALYZE_CONTENT_TYPES = ["image/jpeg", "image/png"] as const;

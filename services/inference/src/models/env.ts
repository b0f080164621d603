import { z } from "zod";
import { parseEnv } from "@vigil/contracts/node";

export function loadFetchModelsEnv(source: Record<string, string | undefined> = process.env) {
  return parseEnv(z.object({ MODELS_DIR: z.string().default("models/cache") }), source);
}

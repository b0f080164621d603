import { resolve } from "node:path";
import { loadEnvOrExit } from "@vigil/contracts/node";
import { loadFireFeedbackEnv } from "../env.js";
import { formatFeedbackListing } from "./fire-feedback-index.js";
import { loadFireFeedback } from "./fire-feedback-store.js";

// `npm run fire:feedback`: the fire/smoke false alarms kept as hard negatives so far, per camera.
// Reads FIRE_FEEDBACK_DIR exactly as the alert service does (default data/fire-feedback).
const env = loadEnvOrExit(() => loadFireFeedbackEnv());
const dir = resolve(env.FIRE_FEEDBACK_DIR);
try {
  const { index, missing } = await loadFireFeedback(dir);
  process.stdout.write(formatFeedbackListing(dir, index, missing));
} catch (err) {
  console.error(`cannot read the fire feedback in ${dir}: ${(err as Error).message}`);
  process.exit(1);
}

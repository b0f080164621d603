import { resolve } from "node:path";
import { loadEnvOrExit } from "@vigil/contracts/node";
import { loadIntegrityEnv } from "../env.js";
import { openAlertsDatabase } from "../compose.js";
import { createMediaHashesRepository } from "../storage/media-hashes-repository.js";
import { createIntegrityChecker, formatIntegrityReport } from "./integrity-check.js";

// `npm run verify [-- --json]`: the whole audit chain and every recorded evidence hash, with the
// service's own DATABASE_URL (or PGLITE_DIR: stop `npm start` first, its embedded database has one
// user at a time) and MEDIA_DIR. Exit 0 only when everything checks out; 1 when something is broken;
// 2 when the check could not run.
const env = loadEnvOrExit(() => loadIntegrityEnv());
const json = process.argv.includes("--json");
try {
  const db = await openAlertsDatabase(env);
  try {
    const report = await createIntegrityChecker({ db, mediaDir: resolve(env.MEDIA_DIR), hashes: createMediaHashesRepository(db) }).run("full");
    process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatIntegrityReport(report));
    process.exitCode = report.ok ? 0 : 1;
  } finally {
    await db.close();
  }
} catch (err) {
  console.error(`verification could not run: ${(err as Error).message}`);
  process.exitCode = 2;
}

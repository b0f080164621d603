import { readFile } from "node:fs/promises";
import { unzipSync } from "fflate";
import { checkCaseExport } from "./case-manifest.js";

// `npm run verify-export FILE.zip [-- --key export-key.pem]`: checks a case export offline (signature,
// every member's SHA-256, nothing missing or extra, the audit rows' hashes). Exit 0 only when all hold.
const args = process.argv.slice(2);
const keyAt = args.indexOf("--key");
const keyFile = keyAt >= 0 ? args[keyAt + 1] : undefined;
const file = args.find((a, i) => !a.startsWith("--") && (keyAt < 0 || i !== keyAt + 1));
if (!file || (keyAt >= 0 && !keyFile)) {
  console.error("usage: npm run verify-export FILE.zip [-- --key export-key.pem]");
  process.exit(2);
}
let entries: Record<string, Uint8Array>;
try {
  entries = unzipSync(new Uint8Array(await readFile(file)));
} catch (err) {
  console.error(`${file}: not a readable ZIP (${(err as Error).message})`);
  process.exit(1);
}
const result = checkCaseExport(entries, keyFile ? await readFile(keyFile, "utf8") : undefined);
const m = result.manifest;
if (m) console.log(`case export of ${m.kind === "plate-track" ? `the track of plate ${m.track.plate} (${m.track.reads} read(s))` : `alert ${String(m.alert.id)}`} by ${m.exportedBy} at ${m.exportedAt} (${m.exportedAtVietnam}), reason: ${m.reason}`);
for (const n of result.notes) console.log(`  ${n}`);
if (result.ok) console.log(`OK: ${file} is intact and signed`);
else {
  console.log(`FAILED: ${result.problems.length} problem(s) in ${file}:`);
  for (const p of result.problems) console.log(`  ${p}`);
}
process.exitCode = result.ok ? 0 : 1;

/**
 * `npm run bench`: runs every benchmark under bench/ one after another (they measure CPU time, so they
 * must not share the two cores with each other), prints their figures, and keeps each one's output in
 * bench/results/<name>.txt. BENCHMARKS.md quotes these outputs and says how each was run.
 *   npm run bench                 all of them
 *   npm run bench -- ingest fire  only those whose file name contains one of the words
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = import.meta.dirname;
const filters = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && f !== "run-all.ts" && !f.endsWith("-util.ts") && !f.endsWith(".test.ts"))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();
mkdirSync(join(dir, "results"), { recursive: true });

const summary: { name: string; code: number | null; seconds: number }[] = [];
for (const file of benches) {
  const name = file.replace(/\.ts$/, "");
  process.stdout.write(`\n=== ${name} ===\n`);
  const started = Date.now();
  let output = "";
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(dir, file)], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
      process.stdout.write(d);
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
      process.stderr.write(d);
    });
    child.on("exit", resolve);
  });
  writeFileSync(join(dir, "results", `${name}.txt`), output);
  summary.push({ name, code, seconds: Math.round((Date.now() - started) / 1000) });
}
process.stdout.write(`\n=== summary ===\n${summary.map((s) => `${s.code === 0 ? "ok  " : "FAIL"} ${s.name} (${s.seconds} s)`).join("\n")}\n`);
process.exit(summary.every((s) => s.code === 0) ? 0 : 1);

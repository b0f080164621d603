import { SingleBar, Presets } from "cli-progress";
import { loadFetchModelsEnv } from "./env.js";
import { MODEL_MANIFEST } from "./manifest.js";
import { fetchModel, type FetchProgress } from "./model-fetcher.js";

/** `npm run models`: downloads the manifest's models that npm does not ship into MODELS_DIR. */
const { MODELS_DIR } = loadFetchModelsEnv();
const bar = new SingleBar({ format: "  {name} [{bar}] {percentage}% {value}/{total} bytes", hideCursor: true }, Presets.shades_classic);
const progress: FetchProgress = {
  start: (name, total) => bar.start(total ?? 0, 0, { name }),
  advance: (n) => bar.increment(n),
  stop: () => bar.stop(),
};

console.log(`Models → ${MODELS_DIR}`);
let failed = 0;
for (const entry of MODEL_MANIFEST) {
  const outcome = await fetchModel(entry, MODELS_DIR, progress);
  if (outcome.status === "failed") {
    failed++;
    console.error(`✗ ${entry.name}: could not download (${outcome.error}).`);
    if (entry.source.kind === "url") console.error(`  Source: ${entry.source.url}\n  Copy the file there by hand as ${MODELS_DIR}/${entry.source.file} (sha256 ${entry.sha256 ?? "not pinned"}).`);
  } else {
    const text = { present: "already present, checksum OK", downloaded: "downloaded, checksum OK", npm: "ships with npm", repo: "committed with the project" }[outcome.status];
    console.log(`✓ ${entry.name}: ${text}`);
  }
}
if (failed > 0) {
  console.error(`\n${failed} model(s) missing. Vigil still runs: without the plate detector it falls back to PaddleOCR text detection (slower, less precise).`);
  process.exitCode = 1;
}

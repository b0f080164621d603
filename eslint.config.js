import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Service boundaries: a service, the console and the shared packages reach each other only through
// @vigil/contracts (messages, API bodies, the plate grammar, the frame codec). The synthetic street
// generator (@vigil/synthetic) is demo and test tooling: no service imports it. Relative paths into
// another workspace's src/ are refused too, so the rule cannot be walked around with "../../".
const WORKSPACES = { alerts: "services/alerts", ingest: "services/ingest", inference: "services/inference", synthetic: "packages/synthetic", "web-console": "web-console" };
const workspaceSrc = { alerts: "alerts/src", ingest: "ingest/src", inference: "inference/src", synthetic: "synthetic/src", "web-console": "web-console/src" };
function boundary(self, files) {
  const others = Object.keys(WORKSPACES).filter((w) => w !== self);
  return {
    files,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: others.flatMap((w) => [`@vigil/${w}`, `@vigil/${w}/*`]), message: "Import other services only through @vigil/contracts (see eslint.config.js, service boundaries)." },
            { group: [...others.map((w) => `**/${workspaceSrc[w]}/**`), "**/contracts/src/**"], message: "Import other workspaces by package (@vigil/contracts), not by relative path into their src/." },
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "data/**", "media/**", "models/cache/**", "test-artifacts/**", "models/training/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", URL: "readonly", performance: "readonly", fetch: "readonly", window: "readonly", document: "readonly", navigator: "readonly", localStorage: "readonly", AbortController: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      // env.ts files are the only readers of process.env (the services' composition roots pass config down).
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read configuration in env.ts only." }],
    },
  },
  {
    files: ["**/env.ts", "test/**", "bench/**", "scripts/**", "**/*.test.ts", "vitest.config.ts", "models/**"],
    rules: { "no-restricted-properties": "off" },
  },
  boundary("alerts", ["services/alerts/**/*.ts"]),
  boundary("ingest", ["services/ingest/**/*.ts"]),
  boundary("inference", ["services/inference/**/*.ts"]),
  boundary("synthetic", ["packages/synthetic/**/*.ts"]),
  boundary("web-console", ["web-console/src/**/*.ts"]),
  // Contracts is the shared layer: it imports no workspace at all.
  boundary("contracts", ["packages/contracts/**/*.ts"]),
);

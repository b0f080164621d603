import js from "@eslint/js";
import tseslint from "typescript-eslint";

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
);

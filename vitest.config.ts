import { defineConfig } from "vitest/config";

// Two projects: fast unit tests beside the code, and integration tests in test/ that talk to the
// real PostgreSQL, Mosquitto, RTSP camera and browser. `npm test` runs them one after the other, and
// integration files one at a time, because they start real processes with timing assertions and the
// machine has two cores.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "services/*/src/**/*.test.ts", "web-console/src/**/*.test.ts", "scripts/**/*.test.ts", "models/**/*.test.ts"],
          environment: "node",
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/support/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

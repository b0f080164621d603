import { resolve } from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

// The repository's own eslint.config.js, run on code placed (virtually) inside each workspace.
const eslint = new ESLint({ cwd: resolve(import.meta.dirname, "..") });

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("lint: services import each other only through contracts", () => {
  it("refuses another service's package or src/ path, and allows @vigil/contracts", async () => {
    const cases: [file: string, code: string, refused: boolean][] = [
      ["services/alerts/src/fixture.ts", 'import { startIngest } from "@vigil/ingest";\nexport const x = startIngest;\n', true],
      ["services/alerts/src/fixture.ts", 'import { startInference } from "@vigil/inference";\nexport const x = startInference;\n', true],
      ["services/alerts/src/cameras/fixture.ts", 'import { startIngest } from "../../../ingest/src/ingest.js";\nexport const x = startIngest;\n', true],
      ["services/inference/src/intake/fixture.ts", 'import { createMqttFrameSink } from "@vigil/ingest";\nexport const x = createMqttFrameSink;\n', true],
      ["services/ingest/src/fixture.ts", 'import { generateStreetVideo } from "@vigil/synthetic";\nexport const x = generateStreetVideo;\n', true],
      ["services/ingest/src/fixture.ts", 'import { parsePlate } from "../../../packages/contracts/src/plate/parse.js";\nexport const x = parsePlate;\n', true],
      ["web-console/src/fixture.ts", 'import { startAlerts } from "@vigil/alerts";\nexport const x = startAlerts;\n', true],
      ["packages/contracts/src/fixture.ts", 'import { startAlerts } from "@vigil/alerts";\nexport const x = startAlerts;\n', true],
      ["services/alerts/src/fixture.ts", 'import { parsePlate } from "@vigil/contracts";\nexport const x = parsePlate;\n', false],
      ["web-console/src/fixture.ts", 'import { parsePlate } from "@vigil/contracts";\nexport const x = parsePlate;\n', false],
      ["services/ingest/src/fixture.ts", 'import { startIngest } from "./ingest.js";\nexport const x = startIngest;\n', false],
      // npm start, tests and benchmarks compose the services: they may import them.
      ["scripts/start/fixture.ts", 'import { composeIngest } from "@vigil/ingest";\nexport const x = composeIngest;\n', false],
    ];
    for (const [file, code, refused] of cases) {
      const errors = await boundaryErrors(file, code);
      expect(errors.length > 0, `${file}: ${code.split("\n")[0]}`).toBe(refused);
    }
  });
});

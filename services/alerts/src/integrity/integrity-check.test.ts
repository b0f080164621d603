import { describe, expect, it } from "vitest";
import pino from "pino";
import type { IntegrityReport } from "@vigil/contracts";
import { formatIntegrityReport, startIntegritySelfCheck, type IntegrityChecker } from "./integrity-check.js";
import { vietnamTime } from "../export/case-manifest.js";

const report = (over: Partial<IntegrityReport> = {}): IntegrityReport => ({
  ok: true,
  checkedAt: "2026-12-03T00:00:00.000Z",
  scope: "incremental",
  audit: { rows: 3, fromSeq: 1, toSeq: 3, head: { seq: 3, hash: "a".repeat(64) } },
  media: { files: 2, bytes: 1000 },
  problems: [],
  problemsTotal: 0,
  since: null,
  durationMs: 5,
  ...over,
});

describe("integrity self-check", () => {
  it("raises one critical integrity_failure system alert naming the first broken thing, and runs a full check once a day", async () => {
    const scopes: string[] = [];
    const broken = report({ ok: false, scope: "full", problemsTotal: 2, since: "2026-12-01T10:00:00.000Z", problems: [{ kind: "audit_row_altered", rowId: 7, seq: 7, at: "2026-12-01T10:00:00.000Z", message: "audit row id 7 was changed" }] });
    let next = report();
    const checker = { run: async (scope: "full" | "incremental") => (scopes.push(scope), next) } as IntegrityChecker;
    const raised: unknown[] = [];
    let now = 0;
    const check = startIntegritySelfCheck({ checker, intervalMs: 3_600_000, raiseSystemAlert: async (a) => void raised.push(a), logger: pino({ level: "silent" }), now: () => now });
    await check.runNow();
    expect(raised).toEqual([]);
    next = broken;
    now = 25 * 3_600_000;
    await check.runNow();
    await check.close();
    expect(scopes).toEqual(["incremental", "full"]);
    expect(raised).toEqual([{ code: "integrity_failure", severity: "critical", subject: "audit row 7", reason: "2 integrity problem(s) since 2026-12-01T10:00:00.000Z: audit row id 7 was changed" }]);
    expect(formatIntegrityReport(broken)).toContain("audit_row_altered  audit row id 7 (seq 7)  [2026-12-01T10:00:00.000Z]");
  });

  it("gives export times in Vietnam time from the zone's rules", () => {
    expect(vietnamTime("2026-03-04T20:06:07.123Z")).toBe("2026-03-05T03:06:07.123+07:00");
  });
});

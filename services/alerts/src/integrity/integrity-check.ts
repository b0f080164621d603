import { INTEGRITY_PROBLEMS_LIMIT, type AlertSeverity, type IntegrityProblem, type IntegrityReport } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { Database } from "../storage/database.js";
import type { MediaHashesRepository } from "../storage/media-hashes-repository.js";
import type { AlertsMetrics } from "../metrics.js";
import { verifyAuditChain, type ChainPoint } from "./audit-chain.js";
import { verifyMediaHashes } from "./media-verify.js";

export interface IntegrityCheckerDeps {
  db: Database;
  mediaDir: string;
  hashes: MediaHashesRepository;
  metrics?: AlertsMetrics;
  now?: () => number;
}

/** Files recorded this long before the previous check started are looked at again (clock skew between instances). */
const MEDIA_OVERLAP_MS = 10 * 60_000;

/**
 * Runs the audit-chain walk and the media-hash check and builds one report. "incremental" starts where
 * the previous check of this instance ended (rows after the last verified one, files recorded since);
 * without a previous check it is a full one.
 */
export function createIntegrityChecker(deps: IntegrityCheckerDeps) {
  const now = deps.now ?? Date.now;
  let last: { audit: ChainPoint; startedAt: number } | undefined;

  return {
    async run(scope: "full" | "incremental" = "full"): Promise<IntegrityReport> {
      const startedAt = now();
      const effective = scope === "incremental" && last ? "incremental" : "full";
      const problems: IntegrityProblem[] = [];
      let total = 0;
      let since: string | null = null;
      const onProblem = (p: IntegrityProblem) => {
        total++;
        if (problems.length < INTEGRITY_PROBLEMS_LIMIT) problems.push(p);
        if (p.at && (!since || p.at < since)) since = p.at;
      };
      const audit = await verifyAuditChain(deps.db, { ...(effective === "incremental" ? { after: last!.audit } : {}), onProblem });
      const media = await verifyMediaHashes({
        mediaDir: deps.mediaDir,
        hashes: deps.hashes,
        ...(effective === "incremental" ? { since: new Date(last!.startedAt - MEDIA_OVERLAP_MS).toISOString() } : {}),
        onProblem,
      });
      last = { audit: audit.last, startedAt };
      deps.metrics?.integrityChecks.inc({ result: total ? "broken" : "ok" });
      return {
        ok: total === 0,
        checkedAt: new Date(startedAt).toISOString(),
        scope: effective,
        audit: { rows: audit.rows, fromSeq: audit.fromSeq, toSeq: audit.toSeq, head: audit.head },
        media,
        problems,
        problemsTotal: total,
        since,
        durationMs: Math.round(now() - startedAt),
      };
    },
  };
}
export type IntegrityChecker = ReturnType<typeof createIntegrityChecker>;

/** The report as `npm run verify` prints it: a summary, then each problem with where and when. */
export function formatIntegrityReport(r: IntegrityReport): string {
  const lines = [
    `audit chain: ${r.audit.rows} row(s) checked (seq ${r.audit.fromSeq}–${r.audit.toSeq}); head seq ${r.audit.head.seq} ${r.audit.head.hash}`,
    `evidence files: ${r.media.files} checked (${(r.media.bytes / 1e6).toFixed(1)} MB)`,
  ];
  if (r.ok) {
    lines.push(`OK: the audit chain and every recorded evidence hash check out (${r.durationMs} ms)`);
    return `${lines.join("\n")}\n`;
  }
  lines.push(`BROKEN: ${r.problemsTotal} problem(s)${r.since ? `, since ${r.since} at the latest` : ""}:`);
  for (const p of r.problems) {
    const where = p.path ?? (p.rowId !== undefined ? `audit row id ${p.rowId}${p.seq !== undefined ? ` (seq ${p.seq})` : ""}` : p.seq !== undefined ? `seq ${p.seq}` : "");
    lines.push(`  ${p.kind}  ${where}${p.at ? `  [${p.at}]` : ""}\n    ${p.message}`);
  }
  if (r.problemsTotal > r.problems.length) lines.push(`  … and ${r.problemsTotal - r.problems.length} more`);
  return `${lines.join("\n")}\n`;
}

/** The lead's system-alert method on the alert service (raiseSystemAlert), injected. */
export type RaiseSystemAlert = (input: { code: string; severity: AlertSeverity; reason: string; subject?: string }) => Promise<unknown>;

/**
 * The periodic self-check (INTEGRITY_CHECK_INTERVAL_H): an incremental check each interval, a full one
 * at least once a day; a failure raises one `system` alert (integrity_failure) for administrators and
 * is logged. Never overlaps itself; errors (database down) are logged, not raised as tampering.
 */
export function startIntegritySelfCheck(o: { checker: IntegrityChecker; intervalMs: number; fullEveryMs?: number; raiseSystemAlert: RaiseSystemAlert; logger: Logger; now?: () => number }) {
  const now = o.now ?? Date.now;
  const fullEvery = o.fullEveryMs ?? 24 * 3_600_000;
  let lastFull = now();
  let running: Promise<IntegrityReport | null> | null = null;
  const tick = (): Promise<IntegrityReport | null> => {
    running ??= (async () => {
      try {
        const full = now() - lastFull >= fullEvery;
        const report = await o.checker.run(full ? "full" : "incremental");
        if (report.scope === "full") lastFull = now();
        if (!report.ok) {
          const first = report.problems[0];
          o.logger.error({ problems: report.problemsTotal, since: report.since, first }, "integrity self-check failed");
          await o.raiseSystemAlert({
            code: "integrity_failure",
            severity: "critical",
            reason: `${report.problemsTotal} integrity problem(s)${report.since ? ` since ${report.since}` : ""}: ${first?.message ?? ""}`.slice(0, 500),
            ...(first ? { subject: (first.path ?? (first.rowId !== undefined ? `audit row ${first.rowId}` : `audit seq ${first.seq ?? "?"}`)).slice(0, 300) } : {}),
          });
        } else o.logger.debug({ scope: report.scope, rows: report.audit.rows, files: report.media.files }, "integrity self-check ok");
        return report;
      } catch (err) {
        o.logger.warn({ err }, "integrity self-check could not run");
        return null;
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void tick(), o.intervalMs);
  timer.unref();
  return {
    /** Runs a check now (tests; also what each interval does). */
    runNow: tick,
    async close(): Promise<void> {
      clearInterval(timer);
      await running;
    },
  };
}

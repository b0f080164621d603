import { z } from "zod";
import { isoTimestamp } from "../messages/common.js";
import { sha256Hex } from "../messages/evidence-hash.js";
import { lookupReasonSchema } from "./resources.js";

/**
 * What `npm run verify`, `GET /api/v1/admin/verify` and the periodic self-check find wrong with the
 * audit chain or the evidence files: what kind, where (audit row id and seq, or file path) and when
 * (`at`: the broken row's time, or the file's modification time).
 */
export const integrityProblemKind = z.enum([
  /** A row's content no longer gives its hash: it was edited (or two rows were swapped). */
  "audit_row_altered",
  /** A row's prev_hash is not the hash of the row before it (a row's hash was rewritten, or rows reordered). */
  "audit_link_broken",
  /** Rows missing from the chain (deleted): a gap in seq. */
  "audit_rows_missing",
  /** The chain head does not match the newest row (newest rows deleted, or the head rewritten). */
  "audit_head_mismatch",
  /** The chain does not start where it should (genesis, or the retention anchor), or an anchor has no retention record. */
  "audit_anchor",
  /** An evidence file's bytes do not match the SHA-256 recorded when it was written. */
  "media_tampered",
  /** An evidence file with a recorded hash is gone. */
  "media_missing",
]);
export type IntegrityProblemKind = z.infer<typeof integrityProblemKind>;

export const integrityProblemSchema = z.object({
  kind: integrityProblemKind,
  message: z.string(),
  rowId: z.number().int().optional(),
  seq: z.number().int().optional(),
  path: z.string().optional(),
  at: isoTimestamp.optional(),
  expectedSha256: sha256Hex.optional(),
  actualSha256: sha256Hex.optional(),
});
export type IntegrityProblem = z.infer<typeof integrityProblemSchema>;

/** The problems list is capped (a rewritten chain breaks every row); `problemsTotal` counts them all. */
export const INTEGRITY_PROBLEMS_LIMIT = 1000;

export const integrityReportSchema = z.object({
  ok: z.boolean(),
  checkedAt: isoTimestamp,
  /** "full": the whole chain and every file; "incremental": rows and files since the previous check. */
  scope: z.enum(["full", "incremental"]),
  audit: z.object({
    rows: z.number().int(),
    fromSeq: z.number().int(),
    toSeq: z.number().int(),
    /** Record this outside Vigil now and then: a chain rewritten from an old row onwards still ends elsewhere. */
    head: z.object({ seq: z.number().int(), hash: z.string() }),
  }),
  media: z.object({ files: z.number().int(), bytes: z.number().int(), unrecorded: z.number().int().optional() }),
  problems: z.array(integrityProblemSchema).max(INTEGRITY_PROBLEMS_LIMIT),
  problemsTotal: z.number().int(),
  /** The earliest `at` among the problems: broken since (at the latest) then. */
  since: isoTimestamp.nullable(),
  durationMs: z.number(),
});
export type IntegrityReport = z.infer<typeof integrityReportSchema>;

export const verifyQuerySchema = z.object({ scope: z.enum(["full", "incremental"]).default("full") });

/** `GET /api/v1/alerts/{id}/export?reason=`: the reason is written to the audit log with the export. */
export const caseExportQuerySchema = z.object({ reason: lookupReasonSchema });

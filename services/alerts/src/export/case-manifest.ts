import { createHash, createPublicKey, verify as verifySignature } from "node:crypto";
import { z } from "zod";
import { isoTimestamp } from "@vigil/contracts";
import { auditRowHash } from "../integrity/audit-chain.js";
import { publicKeyFingerprint } from "./signing-key.js";

/** Times in exports are given twice: UTC, and the wall clock of the command center. */
export const EXPORT_TIME_ZONE = "Asia/Ho_Chi_Minh";
export const MANIFEST_NAME = "manifest.json";
export const SIGNATURE_NAME = "manifest.sig";
export const AUDIT_NAME = "audit.json";
export const PUBLIC_KEY_NAME = "export-key.pem";

const parts = new Intl.DateTimeFormat("en-GB", { timeZone: EXPORT_TIME_ZONE, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** `2026-03-04T12:06:07.123+07:00` for `2026-03-04T05:06:07.123Z` (the offset from the zone's rules, not assumed). */
export function vietnamTime(iso: string): string {
  const d = new Date(iso);
  const p = Object.fromEntries(parts.formatToParts(d).map((x) => [x.type, x.value]));
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  const offsetMin = Math.round((wall - Math.floor(d.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMin < 0 ? "-" : "+";
  const hh = String(Math.floor(Math.abs(offsetMin) / 60)).padStart(2, "0");
  const mm = String(Math.abs(offsetMin) % 60).padStart(2, "0");
  const ms = String(d.getUTCMilliseconds()).padStart(3, "0");
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}.${ms}${sign}${hh}:${mm}`;
}

export const sha256Of = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

const memberSchema = z.object({ name: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().min(0), source: z.string().optional() });

/** What every case manifest holds, whatever the case is of. What is signed is the file's exact bytes. */
const manifestFields = {
  format: z.literal("vigil-case-export"),
  version: z.literal(1),
  exportedAt: isoTimestamp,
  exportedAtVietnam: z.string(),
  timeZone: z.literal(EXPORT_TIME_ZONE),
  exportedBy: z.string(),
  reason: z.string(),
  events: z.array(z.record(z.string(), z.unknown())),
  cameras: z.array(z.record(z.string(), z.unknown())),
  members: z.array(memberSchema),
  missing: z.array(z.object({ source: z.string(), reason: z.string() })),
  auditRows: z.number().int(),
  signature: z.object({ algorithm: z.literal("Ed25519"), publicKeyFingerprint: z.string() }),
};
/** The case of one alert (format vigil-case-export, version 1; `kind` absent in exports made before track cases). */
export const alertCaseManifestSchema = z.object({
  ...manifestFields,
  kind: z.literal("alert").optional(),
  alert: z.record(z.string(), z.unknown()),
  history: z.array(z.record(z.string(), z.unknown())),
});
/** The case of a vehicle's movements: every read of the plate in the window (events), in time order. */
export const trackCaseManifestSchema = z.object({
  ...manifestFields,
  kind: z.literal("plate-track"),
  track: z.object({ plate: z.string(), display: z.string(), exportId: z.uuid(), reads: z.number().int() }).catchall(z.unknown()),
});
export const caseManifestSchema = z.union([trackCaseManifestSchema, alertCaseManifestSchema]);
export type AlertCaseManifest = z.infer<typeof alertCaseManifestSchema>;
export type TrackCaseManifest = z.infer<typeof trackCaseManifestSchema>;
export type CaseManifest = z.infer<typeof caseManifestSchema>;

/** One audit row as exported: with its chain fields and the content its hash covers (migration 016). */
export const exportedAuditRowSchema = z.object({
  id: z.number().int(),
  seq: z.number().int(),
  ts: z.string(),
  username: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
  content: z.string(),
});

export interface ExportCheck {
  ok: boolean;
  /** What is wrong, one line each, naming the member. */
  problems: string[];
  /** What was checked, and what the reader must still do (compare the key's fingerprint). */
  notes: string[];
  manifest?: CaseManifest;
}

/**
 * Checks an export offline: the manifest's Ed25519 signature (against `trustedKeyPem`, else the key
 * inside the export — then its fingerprint must be compared with the service's published one), each
 * member's SHA-256 and size, nothing missing and nothing extra, and each audit row's own hash.
 */
export function checkCaseExport(entries: Readonly<Record<string, Uint8Array>>, trustedKeyPem?: string): ExportCheck {
  const problems: string[] = [];
  const notes: string[] = [];
  const manifestBytes = entries[MANIFEST_NAME];
  const sig = entries[SIGNATURE_NAME];
  if (!manifestBytes) return { ok: false, problems: [`${MANIFEST_NAME} is missing`], notes };
  if (!sig) problems.push(`${SIGNATURE_NAME} is missing: the export is not signed`);
  let manifest: CaseManifest | undefined;
  try {
    const raw: unknown = JSON.parse(Buffer.from(manifestBytes).toString("utf8"));
    // Checked against the schema of its kind, so a problem is named by field rather than as "no union member matched".
    const schema = (raw as { kind?: unknown } | null)?.kind === "plate-track" ? trackCaseManifestSchema : alertCaseManifestSchema;
    const parsed = schema.safeParse(raw);
    if (parsed.success) manifest = parsed.data;
    else problems.push(`${MANIFEST_NAME} is not a Vigil case manifest: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  } catch (err) {
    problems.push(`${MANIFEST_NAME} is not JSON: ${(err as Error).message}`);
  }
  const keyPem = trustedKeyPem ?? (entries[PUBLIC_KEY_NAME] ? Buffer.from(entries[PUBLIC_KEY_NAME]).toString("utf8") : undefined);
  if (sig && keyPem) {
    try {
      const key = createPublicKey(keyPem);
      const fingerprint = publicKeyFingerprint(key);
      const signature = Buffer.from(Buffer.from(sig).toString("utf8").trim(), "base64");
      if (!verifySignature(null, manifestBytes, key, signature)) problems.push(`${SIGNATURE_NAME}: the signature does not match ${MANIFEST_NAME} (the manifest was changed, or signed by another key)`);
      else notes.push(`signature: valid Ed25519 signature over ${MANIFEST_NAME} by key ${fingerprint}`);
      if (manifest && manifest.signature.publicKeyFingerprint !== fingerprint) problems.push(`the manifest names key ${manifest.signature.publicKeyFingerprint}, but the key used is ${fingerprint}`);
      if (!trustedKeyPem) notes.push(`the key came from inside the export: compare ${fingerprint} with the one the service publishes (GET /api/v1/export-key), or pass --key FILE.pem`);
    } catch (err) {
      problems.push(`the public key cannot be read: ${(err as Error).message}`);
    }
  } else if (sig) problems.push(`no public key: pass --key FILE.pem (GET /api/v1/export-key) or keep ${PUBLIC_KEY_NAME} in the export`);
  if (!manifest) return { ok: false, problems, notes };

  const listed = new Set<string>([MANIFEST_NAME, SIGNATURE_NAME]);
  for (const m of manifest.members) {
    listed.add(m.name);
    const data = entries[m.name];
    if (!data) {
      problems.push(`${m.name}: listed in the manifest but missing from the export`);
      continue;
    }
    const actual = sha256Of(data);
    if (actual !== m.sha256) problems.push(`${m.name}: SHA-256 ${actual} does not match the manifest's ${m.sha256} (the file was changed)`);
    else if (data.length !== m.bytes) problems.push(`${m.name}: ${data.length} bytes, the manifest says ${m.bytes}`);
  }
  for (const name of Object.keys(entries)) {
    if (name.endsWith("/") && entries[name]!.length === 0) continue; // a directory entry some zip tools add
    if (!listed.has(name)) problems.push(`${name}: in the export but not in the manifest (added after signing)`);
  }
  const audit = entries[AUDIT_NAME];
  if (audit && listed.has(AUDIT_NAME)) {
    try {
      const rows = z.array(exportedAuditRowSchema).parse(JSON.parse(Buffer.from(audit).toString("utf8")));
      for (const r of rows) if (auditRowHash(r.prevHash, r.content) !== r.hash) problems.push(`${AUDIT_NAME}: audit row id ${r.id} (seq ${r.seq}) does not give its hash`);
      notes.push(`${rows.length} audit row(s) each match their chain hash`);
    } catch (err) {
      problems.push(`${AUDIT_NAME} cannot be read: ${(err as Error).message}`);
    }
  }
  if (!problems.length) notes.push(`${manifest.members.length} member(s): every SHA-256 matches, nothing missing, nothing extra`);
  return { ok: problems.length === 0, problems, notes, manifest };
}

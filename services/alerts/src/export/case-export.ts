import { readFile } from "node:fs/promises";
import { sign } from "node:crypto";
import { zipSync, type Zippable } from "fflate";
import { MEDIA_URL_PREFIX, type Alert, type AlertHistoryEntry } from "@vigil/contracts";
import type { Queryable } from "../storage/database.js";
import { existingMediaFile } from "../evidence/media-path.js";
import { AUDIT_NAME, EXPORT_TIME_ZONE, MANIFEST_NAME, PUBLIC_KEY_NAME, SIGNATURE_NAME, sha256Of, vietnamTime, type CaseManifest } from "./case-manifest.js";
import type { ExportSigningKey } from "./signing-key.js";

export interface CaseCamera {
  id: string;
  name: string;
  lat?: number;
  lon?: number;
  unitId?: string;
}

export interface CaseExportInput {
  alert: Alert;
  history: AlertHistoryEntry[];
  cameras: CaseCamera[];
  exportedBy: string;
  reason: string;
  now?: Date;
}

/** Evidence whose bytes no longer match their recorded hash: the export is refused, not signed. */
export class EvidenceTamperedError extends Error {
  constructor(readonly path: string, readonly expected: string, readonly actual: string) {
    super(`evidence file ${path} no longer matches its recorded SHA-256`);
  }
}

/** Every evidence file of the alert (each picture it kept, newest last) with the hash recorded for it. */
function evidenceFiles(alert: Alert): { source: string; sha256?: string }[] {
  const seen = new Map<string, string | undefined>();
  const add = (source: string | undefined, sha256: string | undefined) => {
    if (source && (!seen.has(source) || (sha256 && !seen.get(source)))) seen.set(source, sha256);
  };
  for (const e of alert.evidence ?? []) {
    add(e.snapshot, e.snapshotSha256);
    add(e.crop, e.cropSha256);
    add((e as { clip?: string }).clip, e.clipSha256);
  }
  add(alert.snapshot, alert.snapshotSha256);
  add(alert.crop, alert.cropSha256);
  return [...seen].map(([source, sha256]) => ({ source, ...(sha256 ? { sha256 } : {}) }));
}

const memberName = (source: string) => `media/${source.slice(MEDIA_URL_PREFIX.length)}`;

/** The case's audit rows (everything done to this alert, this export included), with their chain fields. */
async function caseAuditRows(db: Queryable, alertId: string) {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT id, seq, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ts, username, action, target, details, prev_hash AS "prevHash", hash,
            jsonb_build_object('id', id, 'seq', seq, 'ts', to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
              'username', username, 'action', action, 'target', target, 'details', details, 'ip', ip)::text AS content
       FROM audit_log WHERE target = $1 ORDER BY seq LIMIT 10000`,
    [alertId],
  );
  return rows;
}

/**
 * Builds the case ZIP: the alert's evidence files under media/, audit.json, export-key.pem and
 * manifest.json (events, cameras, times in UTC and Vietnam time, each member's SHA-256), signed by
 * manifest.sig (Ed25519 over the manifest's exact bytes, base64). A file whose bytes differ from the
 * hash recorded when it was written stops the export (EvidenceTamperedError); a file that is gone is
 * named in the manifest's `missing`.
 */
export async function buildCaseExport(deps: { db: Queryable; mediaDir: string; key: ExportSigningKey; recordedHashes: (paths: string[]) => Promise<Map<string, string>> }, input: CaseExportInput): Promise<{ zip: Uint8Array; manifest: CaseManifest }> {
  const now = input.now ?? new Date();
  const { alert } = input;
  const files = evidenceFiles(alert);
  const recorded = await deps.recordedHashes(files.map((f) => f.source));
  const members: CaseManifest["members"] = [];
  const missing: CaseManifest["missing"] = [];
  const zip: Zippable = {};
  for (const f of files) {
    const file = await existingMediaFile(deps.mediaDir, f.source);
    const data = file ? await readFile(file).catch(() => null) : null;
    if (!data) {
      missing.push({ source: f.source, reason: "the file is gone" });
      continue;
    }
    const sha256 = sha256Of(data);
    const expected = recorded.get(f.source) ?? f.sha256;
    if (expected && expected !== sha256) throw new EvidenceTamperedError(f.source, expected, sha256);
    const name = memberName(f.source);
    zip[name] = [data, { level: 0 }]; // JPEG/MP4 are compressed already
    members.push({ name, sha256, bytes: data.length, source: f.source });
  }
  const auditRows = await caseAuditRows(deps.db, alert.id);
  const addJson = (name: string, value: unknown) => {
    const data = Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
    zip[name] = data;
    members.push({ name, sha256: sha256Of(data), bytes: data.length });
  };
  addJson(AUDIT_NAME, auditRows);
  const keyBytes = Buffer.from(deps.key.publicKeyPem);
  zip[PUBLIC_KEY_NAME] = keyBytes;
  members.push({ name: PUBLIC_KEY_NAME, sha256: sha256Of(keyBytes), bytes: keyBytes.length });

  const withVn = <T extends Record<string, unknown>>(o: T, ...keys: string[]) => {
    const out: Record<string, unknown> = { ...o };
    for (const k of keys) if (typeof o[k] === "string") out[`${k}Vietnam`] = vietnamTime(o[k] as string);
    return out;
  };
  const byName = new Map(members.map((m) => [m.source, m.name]));
  const events = (alert.evidence?.length ? alert.evidence : [{ at: alert.ts, cameraId: alert.cameraId, ...(alert.eventId ? { eventId: alert.eventId } : {}), ...(alert.snapshot ? { snapshot: alert.snapshot } : {}), ...(alert.crop ? { crop: alert.crop } : {}) }]).map((e) =>
    withVn({
      ...e,
      ...(e.snapshot && byName.get(e.snapshot) ? { snapshotMember: byName.get(e.snapshot) } : {}),
      ...(e.crop && byName.get(e.crop) ? { cropMember: byName.get(e.crop) } : {}),
    }, "at"),
  );
  const cameraIds = new Set([alert.cameraId, ...events.map((e) => e.cameraId as string | undefined).filter((c): c is string => !!c)]);
  const { schemaVersion: _v, ...alertFields } = alert;
  const manifest: CaseManifest = {
    format: "vigil-case-export",
    version: 1,
    exportedAt: now.toISOString(),
    exportedAtVietnam: vietnamTime(now.toISOString()),
    timeZone: EXPORT_TIME_ZONE,
    exportedBy: input.exportedBy,
    reason: input.reason,
    alert: withVn({ ...alertFields, history: undefined, evidence: undefined }, "ts", "raisedAt", "lastSeenAt", "updatedAt", "acknowledgedAt", "escalatedAt"),
    events,
    cameras: input.cameras.filter((c) => cameraIds.has(c.id)).map((c) => ({ ...c })),
    history: input.history.map((h) => withVn({ ...h }, "at")),
    members,
    missing,
    auditRows: auditRows.length,
    signature: { algorithm: "Ed25519", publicKeyFingerprint: deps.key.fingerprint },
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  zip[MANIFEST_NAME] = manifestBytes;
  zip[SIGNATURE_NAME] = Buffer.from(`${sign(null, manifestBytes, deps.key.privateKey).toString("base64")}\n`);
  return { zip: zipSync(zip, { mtime: now }), manifest };
}

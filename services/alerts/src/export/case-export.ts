import { readFile } from "node:fs/promises";
import { sign } from "node:crypto";
import { zipSync, type Zippable } from "fflate";
import { MEDIA_URL_PREFIX, type Alert, type AlertHistoryEntry, type PlateRead } from "@vigil/contracts";
import type { Queryable } from "../storage/database.js";
import { existingMediaFile } from "../evidence/media-path.js";
import { AUDIT_NAME, EXPORT_TIME_ZONE, MANIFEST_NAME, PUBLIC_KEY_NAME, SIGNATURE_NAME, sha256Of, vietnamTime, type AlertCaseManifest, type TrackCaseManifest } from "./case-manifest.js";
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

/** A vehicle's movements to export: its reads (in time order, already limited to the user's units). */
export interface TrackCaseExportInput {
  plate: string;
  display: string;
  from?: string;
  to?: string;
  reads: (PlateRead & { cameraName: string | null })[];
  cameras: CaseCamera[];
  /** The id written in the export's audit row (`details.exportId`): how the export finds its own row. */
  exportId: string;
  exportedBy: string;
  reason: string;
  now?: Date;
}

export interface CaseExportDeps {
  db: Queryable;
  mediaDir: string;
  key: ExportSigningKey;
  recordedHashes: (paths: string[]) => Promise<Map<string, string>>;
}

/** Evidence whose bytes no longer match their recorded hash: the export is refused, not signed. */
export class EvidenceTamperedError extends Error {
  constructor(readonly path: string, readonly expected: string, readonly actual: string) {
    super(`evidence file ${path} no longer matches its recorded SHA-256`);
  }
}

interface EvidenceFile {
  source: string;
  sha256?: string;
}

/** Each path once (first seen first), keeping a recorded hash if any mention of the path has one. */
function uniqueFiles(pairs: [string | null | undefined, string | undefined][]): EvidenceFile[] {
  const seen = new Map<string, string | undefined>();
  for (const [source, sha256] of pairs) if (source && (!seen.has(source) || (sha256 && !seen.get(source)))) seen.set(source, sha256);
  return [...seen].map(([source, sha256]) => ({ source, ...(sha256 ? { sha256 } : {}) }));
}

/** Every evidence file of the alert (each picture it kept, newest last) with the hash recorded for it. */
function alertEvidenceFiles(alert: Alert): EvidenceFile[] {
  return uniqueFiles([
    ...(alert.evidence ?? []).flatMap((e): [string | undefined, string | undefined][] => [[e.snapshot, e.snapshotSha256], [e.crop, e.cropSha256], [(e as { clip?: string }).clip, e.clipSha256]]),
    [alert.snapshot, alert.snapshotSha256],
    [alert.crop, alert.cropSha256],
  ]);
}

const memberName = (source: string) => `media/${source.slice(MEDIA_URL_PREFIX.length)}`;

/** Which audit rows belong to the case: everything done to one target (an alert), or the row of one export. */
type CaseAudit = { target: string } | { exportId: string; since: Date };

/** The case's audit rows (oldest first), with their chain fields and the content their hash covers. */
async function caseAuditRows(db: Queryable, which: CaseAudit) {
  // An export's own row is looked for from shortly before the export began (ts is indexed; details is not).
  const [where, params] = "target" in which
    ? ["target = $1", [which.target]]
    : ["ts >= $2 AND details->>'exportId' = $1", [which.exportId, new Date(which.since.getTime() - 10 * 60_000).toISOString()]];
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT id, seq, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ts, username, action, target, details, prev_hash AS "prevHash", hash,
            jsonb_build_object('id', id, 'seq', seq, 'ts', to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
              'username', username, 'action', action, 'target', target, 'details', details, 'ip', ip)::text AS content
       FROM audit_log WHERE ${where} ORDER BY seq LIMIT 10000`,
    params,
  );
  return rows;
}

/** The object with a `…Vietnam` twin beside each of `keys` that holds a time. */
function withVn<T extends Record<string, unknown>>(o: T, ...keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...o };
  for (const k of keys) if (typeof o[k] === "string") out[`${k}Vietnam`] = vietnamTime(o[k] as string);
  return out;
}

/** What every manifest has beside the case's own fields. */
type ManifestHead = Pick<AlertCaseManifest, "format" | "version" | "exportedAt" | "exportedAtVietnam" | "timeZone" | "exportedBy" | "reason">;
type ManifestTail = Pick<AlertCaseManifest, "members" | "missing" | "auditRows" | "signature">;

/**
 * The part every case export shares: the evidence files under media/, audit.json, export-key.pem and
 * manifest.json (the case's own fields from `describe`, which gets each evidence path's member name,
 * then each member's SHA-256), signed by manifest.sig (Ed25519 over the manifest's exact bytes,
 * base64). A file whose bytes differ from the hash recorded when it was written stops the export
 * (EvidenceTamperedError); a file that is gone is named in the manifest's `missing`.
 */
async function sealCase<B extends Record<string, unknown>>(
  deps: CaseExportDeps,
  parts: { files: EvidenceFile[]; audit: CaseAudit; exportedBy: string; reason: string; now: Date },
  describe: (memberOf: (source: string | null | undefined) => string | undefined) => B,
): Promise<{ zip: Uint8Array; manifest: ManifestHead & B & ManifestTail }> {
  const { now } = parts;
  const recorded = await deps.recordedHashes(parts.files.map((f) => f.source));
  const members: ManifestTail["members"] = [];
  const missing: ManifestTail["missing"] = [];
  const zip: Zippable = {};
  for (const f of parts.files) {
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
  const byName = new Map(members.map((m) => [m.source, m.name]));
  const body = describe((source) => (source ? byName.get(source) : undefined));
  const auditRows = await caseAuditRows(deps.db, parts.audit);
  const auditBytes = Buffer.from(`${JSON.stringify(auditRows, null, 2)}\n`);
  zip[AUDIT_NAME] = auditBytes;
  members.push({ name: AUDIT_NAME, sha256: sha256Of(auditBytes), bytes: auditBytes.length });
  const keyBytes = Buffer.from(deps.key.publicKeyPem);
  zip[PUBLIC_KEY_NAME] = keyBytes;
  members.push({ name: PUBLIC_KEY_NAME, sha256: sha256Of(keyBytes), bytes: keyBytes.length });

  const head: ManifestHead = {
    format: "vigil-case-export",
    version: 1,
    exportedAt: now.toISOString(),
    exportedAtVietnam: vietnamTime(now.toISOString()),
    timeZone: EXPORT_TIME_ZONE,
    exportedBy: parts.exportedBy,
    reason: parts.reason,
  };
  const tail: ManifestTail = { members, missing, auditRows: auditRows.length, signature: { algorithm: "Ed25519", publicKeyFingerprint: deps.key.fingerprint } };
  const manifest = { ...head, ...body, ...tail };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  zip[MANIFEST_NAME] = manifestBytes;
  zip[SIGNATURE_NAME] = Buffer.from(`${sign(null, manifestBytes, deps.key.privateKey).toString("base64")}\n`);
  return { zip: zipSync(zip, { mtime: now }), manifest };
}

/** Only the cameras the case mentions, copied. */
const camerasOf = (cameras: CaseCamera[], ids: Set<string>) => cameras.filter((c) => ids.has(c.id)).map((c) => ({ ...c }));

/** The case ZIP of one alert: its evidence, its events and history, and everything the audit log holds about it. */
export async function buildCaseExport(deps: CaseExportDeps, input: CaseExportInput): Promise<{ zip: Uint8Array; manifest: AlertCaseManifest }> {
  const { alert } = input;
  return sealCase(deps, { files: alertEvidenceFiles(alert), audit: { target: alert.id }, exportedBy: input.exportedBy, reason: input.reason, now: input.now ?? new Date() }, (memberOf) => {
    const events = (alert.evidence?.length ? alert.evidence : [{ at: alert.ts, cameraId: alert.cameraId, ...(alert.eventId ? { eventId: alert.eventId } : {}), ...(alert.snapshot ? { snapshot: alert.snapshot } : {}), ...(alert.crop ? { crop: alert.crop } : {}) }]).map((e) =>
      withVn({
        ...e,
        ...(memberOf(e.snapshot) ? { snapshotMember: memberOf(e.snapshot) } : {}),
        ...(memberOf(e.crop) ? { cropMember: memberOf(e.crop) } : {}),
      }, "at"),
    );
    const cameraIds = new Set([alert.cameraId, ...events.map((e) => e.cameraId as string | undefined).filter((c): c is string => !!c)]);
    const { schemaVersion: _v, ...alertFields } = alert;
    return {
      kind: "alert" as const,
      alert: withVn({ ...alertFields, history: undefined, evidence: undefined }, "ts", "raisedAt", "lastSeenAt", "updatedAt", "acknowledgedAt", "escalatedAt"),
      events,
      cameras: camerasOf(input.cameras, cameraIds),
      history: input.history.map((h) => withVn({ ...h }, "at")),
    };
  });
}

/**
 * The case ZIP of a vehicle's movements: every read of the track as one event (camera, time in UTC and
 * Vietnam time, plate, confidence, evidence paths with their hashes and members), the snapshots and
 * crops, and the audit row of this export (found by its exportId).
 */
export async function buildTrackExport(deps: CaseExportDeps, input: TrackCaseExportInput): Promise<{ zip: Uint8Array; manifest: TrackCaseManifest }> {
  const now = input.now ?? new Date();
  const files = uniqueFiles(input.reads.flatMap((r): [string | null | undefined, string | undefined][] => [[r.snapshot, r.snapshotSha256], [r.crop, r.cropSha256]]));
  return sealCase(deps, { files, audit: { exportId: input.exportId, since: now }, exportedBy: input.exportedBy, reason: input.reason, now }, (memberOf) => ({
    kind: "plate-track" as const,
    track: withVn({ plate: input.plate, display: input.display, exportId: input.exportId, reads: input.reads.length, ...(input.from ? { from: input.from } : {}), ...(input.to ? { to: input.to } : {}) }, "from", "to") as TrackCaseManifest["track"],
    events: input.reads.map((r) =>
      withVn({
        eventId: r.id,
        at: r.ts,
        cameraId: r.cameraId,
        cameraName: r.cameraName,
        plate: r.plate,
        display: r.display,
        confidence: r.confidence,
        ...(r.snapshot ? { snapshot: r.snapshot, ...(r.snapshotSha256 ? { snapshotSha256: r.snapshotSha256 } : {}), ...(memberOf(r.snapshot) ? { snapshotMember: memberOf(r.snapshot) } : {}) } : {}),
        ...(r.crop ? { crop: r.crop, ...(r.cropSha256 ? { cropSha256: r.cropSha256 } : {}), ...(memberOf(r.crop) ? { cropMember: memberOf(r.crop) } : {}) } : {}),
      }, "at"),
    ),
    cameras: camerasOf(input.cameras, new Set(input.reads.map((r) => r.cameraId))),
  }));
}

/** Both kinds of case export over one set of dependencies, with the key that signs them (RouteDeps.caseExport). */
export function createCaseExporter(deps: CaseExportDeps) {
  return {
    key: deps.key,
    build: (input: CaseExportInput) => buildCaseExport(deps, input),
    buildTrack: (input: TrackCaseExportInput) => buildTrackExport(deps, input),
  };
}

/** A camera as a case lists it: name and position, and its unit when it has one. */
export const caseCamera = (c: { id: string; name: string; lat: number; lon: number; unitId?: string | undefined }): CaseCamera => ({ id: c.id, name: c.name, lat: c.lat, lon: c.lon, ...(c.unitId ? { unitId: c.unitId } : {}) });

import { randomUUID } from "node:crypto";
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import type { Alert } from "../messages/alert.js";
import type { CameraStatus } from "../messages/camera-status.js";
import type { PlateEvent } from "../messages/plate-event.js";
import { decodePayload, encodePayload } from "../parse.js";
import type { AckResult, ClientToServerEvents, ServerToClientEvents } from "../socket-events.js";
import { createUserBodySchema, loginBodySchema, loginResponseSchema, meResponseSchema, roleAtLeast, type UserRole } from "./auth.js";
import {
  alertAckBodySchema,
  alertHistoryEntrySchema,
  alertListQuerySchema,
  alertListResponseSchema,
  alertResolveBodySchema,
  auditListResponseSchema,
  cameraPatchSchema,
  cameraViewSchema,
  errorResponseSchema,
  plateSearchQuerySchema,
  plateSearchResponseSchema,
  plateTrackQuerySchema,
  plateTrackResponseSchema,
  userListResponseSchema,
  userPatchResponseSchema,
  userPatchSchema,
  userSessionsRevokedResponseSchema,
  watchlistCreateResponseSchema,
  watchlistCreateSchema,
} from "./resources.js";

const ts = "2026-11-23T06:30:00.000Z";
const reasonOf = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  return r.success ? "" : z.prettifyError(r.error);
};

// Response bodies: what the server sends must come back identical in the console.
const RESPONSES: Array<[string, z.ZodType, unknown]> = [
  ["login response", loginResponseSchema, { token: "t0k", user: { username: "admin", role: "admin" }, csrfToken: "c", expiresAt: ts }],
  ["me response", meResponseSchema, { user: { username: "op1", role: "operator" } }],
  ["user list", userListResponseSchema, { items: [{ username: "admin", role: "admin", disabled: false, createdAt: ts, createdBy: null, lastLoginAt: ts }, { username: "op1", role: "operator", disabled: true, createdAt: ts, createdBy: "admin", lastLoginAt: null }] }],
  ["user patch response", userPatchResponseSchema, { user: { username: "op1", role: "supervisor", disabled: false, createdAt: ts, createdBy: "admin", lastLoginAt: null }, sessionsRevoked: 2 }],
  ["sessions revoked", userSessionsRevokedResponseSchema, { username: "op1", revoked: 3 }],
  ["error response", errorResponseSchema, { error: "not_found", message: "camera cam-9 does not exist", details: { id: "cam-9" } }],
  [
    "camera view",
    cameraViewSchema,
    {
      id: "cam-1",
      name: "Gate",
      url: "rtsp://***:***@10.0.0.1/live",
      lat: 10.7,
      lon: 106.7,
      analytics: ["plates"],
      status: { cameraId: "cam-1", state: "online", ts, fps: 2, lastFrameTs: ts },
      lastSnapshot: null,
    },
  ],
  [
    "plate search response",
    plateSearchResponseSchema,
    {
      items: [{ id: randomUUID(), cameraId: "cam-1", ts, plate: "51F12345", display: "51F-123.45", rows: 1, confidence: 0.9, bbox: [0, 0, 0.1, 0.1], snapshot: null, score: 0.975 }],
      nextCursor: "eyJ0cyI6MX0",
    },
  ],
  [
    "plate track response",
    plateTrackResponseSchema,
    { plate: "51F12345", display: "51F-123.45", points: [{ ts, cameraId: "cam-1", cameraName: "Gate", lat: 10.7, lon: 106.7, eventId: randomUUID() }] },
  ],
  [
    "watchlist create response",
    watchlistCreateResponseSchema,
    {
      entry: { id: randomUUID(), plate: "51F12345", display: "51F-123.45", reason: "stolen", priority: "critical", expiresAt: null, createdAt: ts, createdBy: "sup1", hits: 0 },
      pastHits: 2,
    },
  ],
  [
    "alert list response",
    alertListResponseSchema,
    { items: [{ schemaVersion: 1, id: randomUUID(), type: "fire", severity: "critical", cameraId: "cam-1", ts, state: "acknowledged", updatedBy: "op1" }] },
  ],
  [
    "resolved possible-smoke alert",
    alertListResponseSchema,
    {
      items: [
        {
          schemaVersion: 1, id: randomUUID(), type: "smoke", severity: "low", cameraId: "cam-1", ts, state: "resolved", updatedBy: "sup1",
          resolveReason: "false_alarm", possible: true, boxes: [{ bbox: [0.1, 0.2, 0.3, 0.2], confidence: 0.55 }],
        },
      ],
    },
  ],
  ["alert history entry", alertHistoryEntrySchema, { state: "acknowledged", at: ts, by: "op1", note: null }],
  ["plate track query", plateTrackQuerySchema, { from: ts, to: "2026-11-24T06:30:00+07:00", reason: "case 42/2026" }],
  [
    "audit list response",
    auditListResponseSchema,
    { items: [{ id: 1, ts, username: "admin", action: "plates.search", target: "51F12345", details: { reason: "case 42" }, ip: "127.0.0.1" }] },
  ],
];

describe("API response bodies round-trip", () => {
  it.each(RESPONSES)("%s", (_name, schema, body) => {
    expect(decodePayload(schema, encodePayload(schema, body))).toEqual({ ok: true, value: schema.parse(body) });
  });
});

it("plate track query rejects a malformed time range bound", () => {
  expect(reasonOf(plateTrackQuerySchema, { from: "2026-13-01" })).toContain("→ at from");
  expect(reasonOf(alertHistoryEntrySchema, { state: "archived", at: ts, by: null, note: null })).toContain("→ at state");
});

describe("auth bodies", () => {
  it("requires a username and password, naming the missing one", () => {
    expect(loginBodySchema.parse({ username: "admin", password: "x" })).toEqual({ username: "admin", password: "x" });
    expect(reasonOf(loginBodySchema, { username: "admin", password: "" })).toContain("→ at password");
    expect(reasonOf(loginBodySchema, { password: "x" })).toContain("→ at username");
  });

  it("validates new users: safe usernames, passwords of 10+ characters, known roles", () => {
    expect(createUserBodySchema.safeParse({ username: "nguyen.van_a", password: "correct-horse", role: "supervisor" }).success).toBe(true);
    expect(reasonOf(createUserBodySchema, { username: "a b", password: "correct-horse", role: "operator" })).toContain("→ at username");
    expect(reasonOf(createUserBodySchema, { username: "abc", password: "short", role: "operator" })).toContain("→ at password");
    expect(reasonOf(createUserBodySchema, { username: "abc", password: "correct-horse", role: "root" })).toContain("→ at role");
  });

  it("patches users with at least one of role, disabled, password, and nothing else", () => {
    expect(userPatchSchema.parse({ disabled: true })).toEqual({ disabled: true });
    expect(userPatchSchema.safeParse({ role: "admin", password: "a new pass phrase" }).success).toBe(true);
    expect(reasonOf(userPatchSchema, {})).toContain("at least one of role, disabled, password");
    expect(userPatchSchema.safeParse({ disabled: true, username: "other" }).success).toBe(false);
    expect(reasonOf(userPatchSchema, { role: "root" })).toContain("→ at role");
  });

  it("orders roles: admin ⊃ supervisor ⊃ operator", () => {
    const roles: UserRole[] = ["operator", "supervisor", "admin"];
    const table = roles.map((r) => roles.map((need) => roleAtLeast(r, need)));
    expect(table).toEqual([
      [true, false, false],
      [true, true, false],
      [true, true, true],
    ]);
  });
});

describe("camera PATCH body", () => {
  it("keeps absent fields absent (a patch must not reset analytics to the default)", () => {
    expect(cameraPatchSchema.parse({ name: "Renamed" })).toEqual({ name: "Renamed" });
    expect(cameraPatchSchema.parse({ analytics: ["fire"] })).toEqual({ analytics: ["fire"] });
  });

  it("rejects unknown keys, the id, and bad values", () => {
    expect(reasonOf(cameraPatchSchema, { nmae: "x" })).toContain('Unrecognized key: "nmae"');
    expect(reasonOf(cameraPatchSchema, { id: "other" })).toContain('Unrecognized key: "id"');
    expect(reasonOf(cameraPatchSchema, { url: "http://x" })).toContain("→ at url");
    expect(reasonOf(cameraPatchSchema, { analytics: ["smell"] })).toContain("→ at analytics[0]");
  });
});

describe("plate search query", () => {
  it("coerces query-string numbers and applies defaults", () => {
    expect(plateSearchQuerySchema.parse({ q: "51F", reason: "case 2026/117", limit: "20" })).toEqual({ q: "51F", reason: "case 2026/117", limit: 20, match: "exact" });
  });

  it("requires a reason, with a message that says so", () => {
    expect(reasonOf(plateSearchQuerySchema, { q: "51F", reason: "" })).toContain("a reason of at least 3 characters is required");
    expect(reasonOf(plateSearchQuerySchema, { q: "51F", reason: "   " })).toContain("a reason of at least 3 characters is required");
    expect(reasonOf(plateTrackQuerySchema, {})).toContain("→ at reason");
    expect(reasonOf(plateSearchQuerySchema, { q: "51F" })).toContain("→ at reason");
  });

  it.each([
    [{ match: "regex" }, "match"],
    [{ limit: "0" }, "limit"],
    [{ limit: "many" }, "limit"],
    [{ from: "last week" }, "from"],
    [{ q: "" }, "q"],
  ])("rejects %j", (patch, field) => {
    expect(reasonOf(plateSearchQuerySchema, { q: "51F", reason: "case 1", ...patch })).toContain(`→ at ${field}`);
  });
});

describe("watchlist and alert bodies", () => {
  it("defaults watchlist priority to high and the match to a full plate, and validates them", () => {
    expect(watchlistCreateSchema.parse({ plate: "51F-123.45", reason: "stolen" })).toEqual({ plate: "51F-123.45", reason: "stolen", match: "plate", priority: "high" });
    expect(reasonOf(watchlistCreateSchema, { plate: "51F-123.45", reason: "stolen", priority: "urgent" })).toContain("→ at priority");
    expect(reasonOf(watchlistCreateSchema, { plate: "51F-123.45", reason: "stolen", expiresAt: "tomorrow" })).toContain("→ at expiresAt");
    expect(reasonOf(watchlistCreateSchema, { plate: "51", reason: "stolen" })).toContain("→ at plate");
    expect(reasonOf(watchlistCreateSchema, { plate: "51K25", match: "pattern", reason: "stolen" })).toContain("→ at match");
  });

  it("ack note is optional, resolve note is required", () => {
    expect(alertAckBodySchema.parse({})).toEqual({});
    expect(alertResolveBodySchema.safeParse({ note: "fire brigade on site" }).success).toBe(true);
    expect(reasonOf(alertResolveBodySchema, {})).toContain("→ at note");
    expect(reasonOf(alertResolveBodySchema, { note: "" })).toContain("→ at note");
  });

  it("resolve reason defaults to other for clients that send only a note, and is checked", () => {
    expect(alertResolveBodySchema.parse({ note: "done" })).toEqual({ reason: "other", note: "done" });
    expect(alertResolveBodySchema.parse({ reason: "false_alarm", note: "steam from a kitchen" })).toEqual({ reason: "false_alarm", note: "steam from a kitchen" });
    expect(reasonOf(alertResolveBodySchema, { reason: "mistake", note: "x" })).toContain("→ at reason");
  });

  it("alert list query coerces the limit and checks enums", () => {
    expect(alertListQuerySchema.parse({ state: "new", limit: "5" })).toEqual({ state: "new", limit: 5 });
    expect(alertListQuerySchema.parse({})).toEqual({ limit: 100 });
    expect(reasonOf(alertListQuerySchema, { type: "theft" })).toContain("→ at type");
  });
});

describe("Socket.IO event maps", () => {
  // Compile-time assertions: `npx tsc -p tsconfig.json` fails if the maps drift from the message types.
  it("type the payloads the server pushes and the console sends (checked by tsc)", () => {
    expectTypeOf<Parameters<ServerToClientEvents["alert:new"]>>().toEqualTypeOf<[Alert]>();
    expectTypeOf<Parameters<ServerToClientEvents["alert:update"]>>().toEqualTypeOf<[Alert]>();
    expectTypeOf<Parameters<ServerToClientEvents["camera:status"]>>().toEqualTypeOf<[CameraStatus]>();
    expectTypeOf<Parameters<ServerToClientEvents["plate:read"]>>().toEqualTypeOf<[PlateEvent]>();
    expectTypeOf<Parameters<ClientToServerEvents["alert:ack"]>[0]>().toEqualTypeOf<{ id: string; note?: string }>();
    expectTypeOf<Parameters<NonNullable<Parameters<ClientToServerEvents["alert:ack"]>[1]>>[0]>().toEqualTypeOf<AckResult>();
    // A misspelt event name is a compile error, which is the point of sharing the map.
    // @ts-expect-error "alert:neww" is not an event
    type _Misspelt = ServerToClientEvents["alert:neww"];
  });
});

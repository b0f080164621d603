import { z } from "zod";
import { alertSchema, alertType } from "../messages/alert.js";
import { isoTimestamp } from "../messages/common.js";

// Assignment ----------------------------------------------------------------------
/** `POST /api/v1/alerts/{id}/assign`: to a user (username) or to a unit — exactly one of the two. */
export const alertAssignBodySchema = z
  .strictObject({
    userId: z.string().trim().min(1).max(64).optional(),
    unitId: z.string().trim().min(1).max(64).optional(),
  })
  .refine((b) => (b.userId === undefined) !== (b.unitId === undefined), { message: "give exactly one of userId or unitId" });
export type AlertAssignBody = z.infer<typeof alertAssignBodySchema>;

/**
 * `details` of the 409 a second acknowledgement gets: who took the alert first and when, so the
 * second operator sees it is being handled instead of silently "acknowledging" it again.
 */
export const alertTakenDetailsSchema = z.object({ acknowledgedBy: z.string(), acknowledgedAt: isoTimestamp });
export type AlertTakenDetails = z.infer<typeof alertTakenDetailsSchema>;

// Outbound webhooks ---------------------------------------------------------------
/** What happened to the alert a webhook call is about. */
export const webhookEvent = z.enum(["alert.new", "alert.escalated", "alert.assigned", "alert.acknowledged", "alert.resolved"]);
export type WebhookEvent = z.infer<typeof webhookEvent>;

/**
 * Only http(s), no user-info: a URL with `user:pass@` would put a credential where logs and the admin
 * list show it (the receiver authenticates us by the signature instead).
 */
export const webhookUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .max(2000)
  .refine((u) => {
    // zod runs this even when the URL check above failed: never throw on a non-URL.
    if (!URL.canParse(u)) return true;
    const url = new URL(u);
    return !url.username && !url.password;
  }, "must not carry a user name or password (the receiver checks X-Vigil-Signature instead)");

/** `POST /api/v1/webhooks` (admin). Without `secret` one is generated and returned once. */
export const webhookCreateBodySchema = z.strictObject({
  url: webhookUrl,
  /** Scope: alerts of this unit (and below, once units exist); absent: every alert. */
  unitId: z.string().trim().min(1).max(64).optional(),
  /** Alert types forwarded; absent or empty: all (system alerts never leave Vigil). */
  types: z.array(alertType.exclude(["system"])).max(10).optional(),
  /** What to forward; absent: every event. */
  events: z.array(webhookEvent).min(1).max(10).optional(),
  secret: z.string().min(16, "use at least 16 characters (openssl rand -hex 32)").max(256).optional(),
  description: z.string().max(200).optional(),
});
export type WebhookCreateBody = z.infer<typeof webhookCreateBodySchema>;

/** A webhook as admins see it: never its secret (shown once, at creation). */
export const webhookViewSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  unitId: z.string().optional(),
  types: z.array(alertType),
  events: z.array(webhookEvent),
  description: z.string().optional(),
  createdAt: isoTimestamp,
  createdBy: z.string().nullable(),
});
export type WebhookView = z.infer<typeof webhookViewSchema>;
export const webhookListResponseSchema = z.object({ items: z.array(webhookViewSchema) });
export const webhookCreatedResponseSchema = z.object({ webhook: webhookViewSchema, secret: z.string() });

export const webhookDeliveryState = z.enum(["pending", "delivered", "failed"]);
export type WebhookDeliveryState = z.infer<typeof webhookDeliveryState>;
/** One call to a webhook and its retries; "failed" is the dead-letter list (every try used). */
export const webhookDeliverySchema = z.object({
  id: z.uuid(),
  webhookId: z.uuid(),
  alertId: z.uuid(),
  event: webhookEvent,
  state: webhookDeliveryState,
  attempts: z.number().int().min(0),
  nextAttemptAt: isoTimestamp.nullable(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: isoTimestamp,
  deliveredAt: isoTimestamp.nullable(),
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;
export const webhookDeliveryListQuerySchema = z.object({
  state: webhookDeliveryState.optional(),
  webhookId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const webhookDeliveryListResponseSchema = z.object({ items: z.array(webhookDeliverySchema) });

/**
 * The JSON body Vigil POSTs. Headers: `X-Vigil-Event`, `X-Vigil-Delivery` (the same on every retry:
 * receivers drop repeats by it), `X-Vigil-Timestamp` (unix seconds) and
 * `X-Vigil-Signature: sha256=<hex HMAC-SHA256 over "<timestamp>.<raw body>" with the webhook's secret>`.
 */
export const webhookPayloadSchema = z.object({
  schemaVersion: z.literal(1),
  deliveryId: z.uuid(),
  event: webhookEvent,
  /** When it happened (the body is fixed then; retries resend it byte for byte, only the timestamp header changes). */
  queuedAt: isoTimestamp,
  alert: alertSchema,
});
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

import type { AlertType, WebhookDelivery, WebhookDeliveryState, WebhookEvent, WebhookView } from "@vigil/contracts";
import type { Queryable } from "../storage/database.js";

export interface StoredWebhook extends WebhookView {
  secretSealed: string;
}

interface WebhookRow {
  id: string;
  url: string;
  unit_id: string | null;
  types: AlertType[];
  events: WebhookEvent[];
  secret_sealed: string;
  description: string | null;
  created_at: string;
  created_by: string | null;
}

interface DeliveryRow {
  id: string;
  webhook_id: string;
  alert_id: string;
  event: WebhookEvent;
  body: string;
  state: WebhookDeliveryState;
  attempts: number;
  next_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

/** A claimed delivery: what the sender needs for one try. */
export interface DueDelivery {
  id: string;
  webhookId: string;
  event: WebhookEvent;
  body: string;
  attempts: number;
}

const WEBHOOK_COLUMNS = "id, url, unit_id, types, events, secret_sealed, description, created_at, created_by";
const DELIVERY_COLUMNS = "id, webhook_id, alert_id, event, body, state, attempts, next_attempt_at, last_status, last_error, created_at, delivered_at";

const toWebhook = (r: WebhookRow): StoredWebhook => ({
  id: r.id,
  url: r.url,
  ...(r.unit_id ? { unitId: r.unit_id } : {}),
  types: r.types,
  events: r.events,
  ...(r.description ? { description: r.description } : {}),
  createdAt: r.created_at,
  createdBy: r.created_by,
  secretSealed: r.secret_sealed,
});

const toDelivery = (r: DeliveryRow): WebhookDelivery => ({
  id: r.id,
  webhookId: r.webhook_id,
  alertId: r.alert_id,
  event: r.event,
  state: r.state,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastStatus: r.last_status,
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

/** Webhooks and their delivery queue in PostgreSQL. Every time comes from the caller (the service's clock). */
export function createWebhooksRepository(db: Queryable) {
  return {
    async create(w: Omit<StoredWebhook, "createdAt"> & { createdAt: string }): Promise<void> {
      await db.query(
        `INSERT INTO webhooks (${WEBHOOK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [w.id, w.url, w.unitId ?? null, w.types, w.events, w.secretSealed, w.description ?? null, w.createdAt, w.createdBy],
      );
    },
    async list(): Promise<StoredWebhook[]> {
      const { rows } = await db.query<WebhookRow>(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks ORDER BY created_at, id`);
      return rows.map(toWebhook);
    },
    async get(id: string): Promise<StoredWebhook | null> {
      const { rows } = await db.query<WebhookRow>(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1`, [id]);
      return rows[0] ? toWebhook(rows[0]) : null;
    },
    /** Deletes the webhook and its queue; false when there was none. */
    async delete(id: string): Promise<boolean> {
      const { rows } = await db.query<{ id: string }>("DELETE FROM webhooks WHERE id = $1 RETURNING id", [id]);
      return rows.length === 1;
    },
    async enqueue(d: { id: string; webhookId: string; alertId: string; event: WebhookEvent; body: string; at: string }): Promise<void> {
      await db.query(
        `INSERT INTO webhook_deliveries (id, webhook_id, alert_id, event, body, state, attempts, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6) ON CONFLICT (id) DO NOTHING`,
        [d.id, d.webhookId, d.alertId, d.event, d.body, d.at],
      );
    },
    /**
     * Takes up to `limit` due deliveries for one try each, leased until `leaseUntil`: instances
     * sharing the database skip each other's rows, and a lease left by a crashed instance expires.
     */
    async claimDue(nowIso: string, leaseUntilIso: string, limit: number): Promise<DueDelivery[]> {
      const { rows } = await db.query<{ id: string; webhook_id: string; event: WebhookEvent; body: string; attempts: number }>(
        `UPDATE webhook_deliveries d SET locked_until = $2
          WHERE d.id IN (SELECT id FROM webhook_deliveries
                          WHERE state = 'pending' AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until < $1)
                          ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
          RETURNING d.id, d.webhook_id, d.event, d.body, d.attempts`,
        [nowIso, leaseUntilIso, limit],
      );
      return rows.map((r) => ({ id: r.id, webhookId: r.webhook_id, event: r.event, body: r.body, attempts: r.attempts }));
    },
    /** One try's outcome: delivered, another try at `nextAttemptAt`, or (null) failed for good. */
    async recordAttempt(id: string, o: { attempts: number; delivered: boolean; status: number | null; error: string | null; at: string; nextAttemptAt: string | null }): Promise<void> {
      const state: WebhookDeliveryState = o.delivered ? "delivered" : o.nextAttemptAt ? "pending" : "failed";
      await db.query(
        `UPDATE webhook_deliveries SET state = $2, attempts = $3, last_status = $4, last_error = $5, next_attempt_at = $6,
           delivered_at = CASE WHEN $2 = 'delivered' THEN $7::timestamptz ELSE NULL END, locked_until = NULL
          WHERE id = $1`,
        [id, state, o.attempts, o.status, o.error, o.delivered ? null : o.nextAttemptAt, o.at],
      );
    },
    async listDeliveries(f: { state?: WebhookDeliveryState; webhookId?: string; limit: number }): Promise<WebhookDelivery[]> {
      const { rows } = await db.query<DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
          WHERE ($1::text IS NULL OR state = $1) AND ($2::uuid IS NULL OR webhook_id = $2)
          ORDER BY created_at DESC, id LIMIT $3`,
        [f.state ?? null, f.webhookId ?? null, f.limit],
      );
      return rows.map(toDelivery);
    },
    /** A dead letter back in the queue for a fresh series of tries; null when there is no failed delivery `id`. */
    async retry(id: string, nowIso: string): Promise<WebhookDelivery | null> {
      const { rows } = await db.query<DeliveryRow>(
        `UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = $2, locked_until = NULL
          WHERE id = $1 AND state = 'failed' RETURNING ${DELIVERY_COLUMNS}`,
        [id, nowIso],
      );
      return rows[0] ? toDelivery(rows[0]) : null;
    },
    /** Delivered rows older than `beforeIso` go; dead letters stay until an admin retries or deletes the webhook. */
    async pruneDelivered(beforeIso: string): Promise<number> {
      const { rows } = await db.query<{ n: number }>("WITH d AS (DELETE FROM webhook_deliveries WHERE state = 'delivered' AND delivered_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM d", [beforeIso]);
      return rows[0]?.n ?? 0;
    },
  };
}
export type WebhooksRepository = ReturnType<typeof createWebhooksRepository>;

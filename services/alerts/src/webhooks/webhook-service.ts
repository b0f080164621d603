import { randomBytes, randomUUID } from "node:crypto";
import { webhookPayloadSchema, type Alert, type WebhookCreateBody, type WebhookDelivery, type WebhookDeliveryState, type WebhookEvent, type WebhookView } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { AlertEventListener } from "../alerting/alert-service.js";
import { DEFAULT_BACKOFF, isRetryable, retryDelayMs, type BackoffPolicy } from "./webhook-backoff.js";
import type { WebhookSender } from "./webhook-sender.js";
import { safeUrl } from "./webhook-sender.js";
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from "./webhook-signing.js";
import type { DueDelivery, StoredWebhook, WebhooksRepository } from "./webhooks-repository.js";

/** Seals secrets at rest (the camera-secrets key); `context` binds a sealed value to its webhook. */
export interface SecretBox {
  seal(plain: string, context: string): string;
  open(sealed: string, context: string): string;
}

/** Whether an alert belongs to a unit (or one below it); units plug in here. */
export type UnitMembership = (alert: Alert, unitId: string) => boolean | Promise<boolean>;

/** A webhook matches an event when its alert type, event and unit are all among the ones it asks for. */
export function webhookWants(w: Pick<WebhookView, "types" | "events">, event: WebhookEvent, alert: Pick<Alert, "type">): boolean {
  if (alert.type === "system") return false; // about Vigil itself: administrators only, never forwarded
  return (w.types.length === 0 || w.types.includes(alert.type)) && (w.events.length === 0 || w.events.includes(event));
}

const toView = ({ secretSealed: _secret, ...view }: StoredWebhook): WebhookView => view;
const secretContext = (id: string) => `webhook:${id}`;
/** Deliveries waiting for the database (it was down when the alert happened), kept in memory up to this many. */
const UNSAVED_LIMIT = 1_000;

/**
 * Outbound webhooks: alert events become rows in the delivery queue (PostgreSQL), and a loop sends
 * due rows — signed, with retries on the backoff schedule, and to the dead-letter list ("failed")
 * after the last try. Instances sharing the database share the queue (rows are claimed with a
 * lease), and a restart resumes it: a delivered row is never sent again; a try cut off by a crash
 * mid-request may be repeated, with the same `X-Vigil-Delivery`, for receivers to drop.
 */
export function createWebhookService(deps: {
  repo: WebhooksRepository;
  secrets: SecretBox;
  send: WebhookSender;
  logger: Logger;
  backoff?: BackoffPolicy;
  /** How often due deliveries are looked for (new ones are sent at once). */
  pollMs?: number;
  /** How long one try may hold its row (longer than the sender's timeout). */
  leaseMs?: number;
  /** Without units every alert is in every unit. */
  inUnit?: UnitMembership;
  now?: () => number;
}) {
  const { repo, logger } = deps;
  const now = deps.now ?? Date.now;
  const backoff = deps.backoff ?? DEFAULT_BACKOFF;
  const iso = (ms: number) => new Date(ms).toISOString();
  let hooks: StoredWebhook[] = [];
  const unsaved: Parameters<WebhooksRepository["enqueue"]>[0][] = [];
  let ticking: Promise<void> | null = null;
  let again = false;
  let timer: ReturnType<typeof setInterval> | null = null;
  let refresher: ReturnType<typeof setInterval> | null = null;
  let closed = false;

  async function reload(): Promise<void> {
    hooks = await repo.list();
  }

  async function enqueueFor(event: WebhookEvent, alert: Alert): Promise<void> {
    const at = iso(now());
    for (const w of hooks) {
      if (!webhookWants(w, event, alert)) continue;
      if (w.unitId && deps.inUnit && !(await deps.inUnit(alert, w.unitId))) continue;
      const id = randomUUID();
      // Fixed now: every try sends these bytes (the alert as it was when this happened).
      const body = JSON.stringify(webhookPayloadSchema.parse({ schemaVersion: 1, deliveryId: id, event, queuedAt: at, alert }));
      const row = { id, webhookId: w.id, alertId: alert.id, event, body, at };
      try {
        await repo.enqueue(row);
      } catch (err) {
        if (unsaved.length < UNSAVED_LIMIT) unsaved.push(row);
        logger.warn({ err, webhookId: w.id, alertId: alert.id }, "queueing a webhook delivery failed; keeping it in memory until the database is back");
      }
    }
    kick();
  }

  async function secretOf(webhookId: string): Promise<string | null> {
    const w = hooks.find((h) => h.id === webhookId) ?? (await repo.get(webhookId));
    return w ? deps.secrets.open(w.secretSealed, secretContext(w.id)) : null;
  }

  async function attempt(d: DueDelivery): Promise<void> {
    const w = hooks.find((h) => h.id === d.webhookId) ?? (await repo.get(d.webhookId));
    if (!w) return; // deleted meanwhile: its queue went with it
    const secret = await secretOf(w.id);
    if (!secret) return;
    const timestamp = Math.floor(now() / 1000);
    const result = await deps.send(w.url, d.body, {
      [EVENT_HEADER]: d.event,
      [DELIVERY_HEADER]: d.id,
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signWebhook(secret, timestamp, d.body),
    });
    const attempts = d.attempts + 1;
    const delivered = result.status !== null && result.status >= 200 && result.status < 300;
    const wait = delivered || !isRetryable(result.status) ? null : retryDelayMs(attempts, backoff);
    await repo.recordAttempt(d.id, { attempts, delivered, status: result.status, error: result.error, at: iso(now()), nextAttemptAt: wait === null ? null : iso(now() + wait) });
    if (!delivered) {
      const log = { webhookId: w.id, deliveryId: d.id, url: safeUrl(w.url), attempts, status: result.status, error: result.error };
      if (wait === null) logger.warn(log, "webhook delivery failed for good; it is in the dead-letter list");
      else logger.info({ ...log, retryInMs: wait }, "webhook delivery failed; retrying");
    }
  }

  async function tick(): Promise<void> {
    while (unsaved.length) {
      const row = unsaved[0]!;
      try {
        await repo.enqueue(row);
      } catch {
        return; // still down: the next tick tries again
      }
      unsaved.shift();
    }
    const leaseMs = deps.leaseMs ?? 30_000;
    for (;;) {
      const due = await repo.claimDue(iso(now()), iso(now() + leaseMs), 20);
      if (!due.length) return;
      await Promise.all(due.map((d) => attempt(d).catch((err: unknown) => logger.warn({ err, deliveryId: d.id }, "a webhook try failed unexpectedly"))));
    }
  }

  /** Runs the sender now (again after the current run, if one is going). */
  function kick(): Promise<void> {
    if (closed) return Promise.resolve();
    if (ticking) {
      again = true;
      return ticking;
    }
    ticking = tick()
      .catch((err: unknown) => logger.warn({ err }, "sending webhooks failed; retrying on the next poll"))
      .finally(() => {
        ticking = null;
        if (again) {
          again = false;
          void kick();
        }
      });
    return ticking;
  }

  const listener: AlertEventListener = {
    alertEvent(event, alert) {
      if (closed || hooks.length === 0) return;
      void enqueueFor(event, alert).catch((err: unknown) => logger.warn({ err, alertId: alert.id }, "queueing webhook deliveries failed"));
    },
  };

  return {
    ...listener,
    async start(): Promise<void> {
      await reload();
      timer = setInterval(() => void kick(), deps.pollMs ?? 1_000);
      timer.unref?.();
      // Webhooks added on another instance are picked up within this.
      refresher = setInterval(() => void reload().catch(() => undefined), 30_000);
      refresher.unref?.();
      void kick();
    },
    async create(body: WebhookCreateBody, by: string | null): Promise<{ webhook: WebhookView; secret: string }> {
      const id = randomUUID();
      const secret = body.secret ?? randomBytes(32).toString("hex");
      await repo.create({
        id,
        url: body.url,
        ...(body.unitId ? { unitId: body.unitId } : {}),
        types: [...new Set(body.types ?? [])],
        events: [...new Set(body.events ?? [])],
        ...(body.description ? { description: body.description } : {}),
        secretSealed: deps.secrets.seal(secret, secretContext(id)),
        createdAt: iso(now()),
        createdBy: by,
      });
      await reload();
      return { webhook: toView(hooks.find((h) => h.id === id)!), secret };
    },
    async list(): Promise<WebhookView[]> {
      await reload();
      return hooks.map(toView);
    },
    async delete(id: string): Promise<boolean> {
      const deleted = await repo.delete(id);
      await reload();
      return deleted;
    },
    deliveries: (f: { state?: WebhookDeliveryState; webhookId?: string; limit: number }): Promise<WebhookDelivery[]> => repo.listDeliveries(f),
    async retry(id: string): Promise<WebhookDelivery | null> {
      const d = await repo.retry(id, iso(now()));
      if (d) void kick();
      return d;
    },
    /** Sends what is due now and waits for it (tests). */
    flush: () => kick(),
    prune: (olderThanMs = 7 * 86_400_000) => repo.pruneDelivered(iso(now() - olderThanMs)),
    async close(timeoutMs = 3_000): Promise<void> {
      closed = true;
      if (timer) clearInterval(timer);
      if (refresher) clearInterval(refresher);
      await Promise.race([ticking ?? Promise.resolve(), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    },
  };
}
export type WebhookService = ReturnType<typeof createWebhookService>;

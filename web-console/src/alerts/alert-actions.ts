import { alertSchema, alertTakenDetailsSchema, type Alert, type AlertResolveReason, type AlertTakenDetails } from "@vigil/contracts";
import { z } from "zod";
import { ApiError, type ApiClient } from "../api/client.js";
import { formatClock } from "../format/time.js";
import { getLang, t } from "../i18n/index.js";

/** The ack/resolve routes answer with the changed alert, bare or as `{ alert }`; both are accepted. */
const changedAlertResponse = z.union([alertSchema, z.object({ alert: alertSchema }).transform((v) => v.alert)]);

/** Thrown when someone else took the alert first: the console says who and since when. */
export class AlertTakenError extends Error {
  constructor(readonly taken: AlertTakenDetails) {
    super(t("alerts.takenBy", { user: taken.acknowledgedBy, time: formatClock(taken.acknowledgedAt, getLang()) }));
    this.name = "AlertTakenError";
  }
}

export async function acknowledgeAlert(api: ApiClient, id: string, note?: string): Promise<Alert> {
  try {
    return await api.post(`/api/v1/alerts/${encodeURIComponent(id)}/ack`, changedAlertResponse, note ? { note } : {});
  } catch (err) {
    const taken = err instanceof ApiError && err.code === "already_acknowledged" ? alertTakenDetailsSchema.safeParse(err.details) : null;
    if (taken?.success) throw new AlertTakenError(taken.data);
    throw err;
  }
}

export function resolveAlert(api: ApiClient, id: string, reason: AlertResolveReason, note: string): Promise<Alert> {
  return api.post(`/api/v1/alerts/${encodeURIComponent(id)}/resolve`, changedAlertResponse, { reason, note });
}

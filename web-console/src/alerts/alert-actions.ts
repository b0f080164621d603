import { alertSchema, type Alert, type AlertResolveReason } from "@vigil/contracts";
import { z } from "zod";
import type { ApiClient } from "../api/client.js";

/** The ack/resolve routes answer with the changed alert, bare or as `{ alert }`; both are accepted. */
const changedAlertResponse = z.union([alertSchema, z.object({ alert: alertSchema }).transform((v) => v.alert)]);

export function acknowledgeAlert(api: ApiClient, id: string, note?: string): Promise<Alert> {
  return api.post(`/api/v1/alerts/${encodeURIComponent(id)}/ack`, changedAlertResponse, note ? { note } : {});
}

export function resolveAlert(api: ApiClient, id: string, reason: AlertResolveReason, note: string): Promise<Alert> {
  return api.post(`/api/v1/alerts/${encodeURIComponent(id)}/resolve`, changedAlertResponse, { reason, note });
}

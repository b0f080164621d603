import type { Alert } from "@vigil/contracts";
import { html, type TemplateResult } from "lit-html";
import { ApiError } from "../api/client.js";
import type { AppContext } from "../app/context.js";
import { t } from "../i18n/index.js";
import { saveFile } from "../ui/save-file.js";

/** As the server requires (`reason`, trimmed): a case number fits. */
const MIN_REASON = 3;

/** What to export: the route, its query besides `reason`, a file name if the server gives none, and the prompt. */
interface CaseZip {
  path: string;
  query?: Record<string, string | undefined>;
  fallbackName: string;
  prompt: string;
  /** Pre-filled in the dialog (the reason already given for the search the track came from). */
  suggestedReason?: string;
}

/**
 * Downloads a signed case ZIP: asks for the reason, which the server writes to the audit log with the
 * export, then saves the file. An evidence picture whose bytes changed since it was written stops the
 * export (409 evidence_tampered), and the operator is told.
 */
async function downloadCaseZip(ctx: AppContext, c: CaseZip, ask: (message: string, suggested?: string) => string | null): Promise<void> {
  const reason = ask(c.prompt, c.suggestedReason)?.trim();
  if (reason === undefined) return;
  if (reason.length < MIN_REASON) {
    ctx.toast(t("caseExport.reasonTooShort"), "error");
    return;
  }
  ctx.toast(t("caseExport.exporting"));
  try {
    const file = await ctx.api.download(c.path, { ...c.query, reason });
    saveFile(file.blob, file.filename ?? c.fallbackName);
    ctx.toast(t("caseExport.done"));
  } catch (err) {
    const tampered = err instanceof ApiError && err.code === "evidence_tampered";
    ctx.toast(tampered ? t("caseExport.tampered") : `${t("caseExport.failed")}: ${(err as Error).message}`, "error");
  }
}

const prompt = (message: string, suggested?: string) => window.prompt(message, suggested);

/** The alert as a signed case ZIP (GET /api/v1/alerts/{id}/export). */
export function exportCase(ctx: AppContext, alert: Alert, ask: (message: string) => string | null = prompt): Promise<void> {
  return downloadCaseZip(ctx, { path: `/api/v1/alerts/${encodeURIComponent(alert.id)}/export`, fallbackName: `vigil-case-${alert.id.slice(0, 8)}.zip`, prompt: t("caseExport.reasonPrompt") }, ask);
}

/** A vehicle's track (the same plate and window as drawn) as a signed case ZIP (GET /api/v1/plates/{plate}/track/export). */
export function exportTrackCase(ctx: AppContext, track: { plate: string; from?: string; to?: string; reason?: string }, ask: (message: string, suggested?: string) => string | null = prompt): Promise<void> {
  return downloadCaseZip(ctx, {
    path: `/api/v1/plates/${encodeURIComponent(track.plate)}/track/export`,
    query: { from: track.from, to: track.to },
    fallbackName: `vigil-track-${track.plate}.zip`,
    prompt: t("caseExport.trackReasonPrompt"),
    ...(track.reason ? { suggestedReason: track.reason } : {}),
  }, ask);
}

/** The button on an opened alert card. */
export function caseExportButton(ctx: AppContext, alert: Alert): TemplateResult {
  return html`<button class="btn" type="button" data-action="export-case" title=${t("caseExport.title")} @click=${() => void exportCase(ctx, alert)}>${t("caseExport.button")}</button>`;
}

import type { Alert } from "@vigil/contracts";
import { html, type TemplateResult } from "lit-html";
import { ApiError } from "../api/client.js";
import type { AppContext } from "../app/context.js";
import { t } from "../i18n/index.js";
import { saveFile } from "../ui/save-file.js";

/** As the server requires (`reason`, trimmed): a case number fits. */
const MIN_REASON = 3;

/**
 * Exports the alert as a signed case ZIP (GET /api/v1/alerts/{id}/export): asks for the reason, which
 * the server writes to the audit log with the export, then saves the file. An evidence picture whose
 * bytes changed since it was written stops the export (409 evidence_tampered), and the operator is told.
 */
export async function exportCase(ctx: AppContext, alert: Alert, ask: (message: string) => string | null = (m) => window.prompt(m)): Promise<void> {
  const reason = ask(t("caseExport.reasonPrompt"))?.trim();
  if (reason === undefined) return;
  if (reason.length < MIN_REASON) {
    ctx.toast(t("caseExport.reasonTooShort"), "error");
    return;
  }
  ctx.toast(t("caseExport.exporting"));
  try {
    const file = await ctx.api.download(`/api/v1/alerts/${encodeURIComponent(alert.id)}/export`, { reason });
    saveFile(file.blob, file.filename ?? `vigil-case-${alert.id.slice(0, 8)}.zip`);
    ctx.toast(t("caseExport.done"));
  } catch (err) {
    const tampered = err instanceof ApiError && err.code === "evidence_tampered";
    ctx.toast(tampered ? t("caseExport.tampered") : `${t("caseExport.failed")}: ${(err as Error).message}`, "error");
  }
}

/** The button on an opened alert card. */
export function caseExportButton(ctx: AppContext, alert: Alert): TemplateResult {
  return html`<button class="btn" type="button" data-action="export-case" title=${t("caseExport.title")} @click=${() => void exportCase(ctx, alert)}>${t("caseExport.button")}</button>`;
}

import { html, nothing, type TemplateResult } from "lit-html";
import type { Alert } from "@vigil/contracts";
import { workflowLabels } from "./alert-text.js";

/** The badges a card shows under its headline: escalated, being handled by, assigned to. */
export function workflowBadges(alert: Alert): TemplateResult | typeof nothing {
  const { handling, assigned, escalated } = workflowLabels(alert);
  if (!handling && !assigned && !escalated) return nothing;
  return html`<div class="alert-workflow">${escalated ? html`<span class="badge escalated" title=${escalated.title}>⬆ ${escalated.text}</span>` : nothing}${
    handling ? html`<span class="badge handling">${handling}</span>` : nothing
  }${assigned ? html`<span class="badge assigned">${assigned}</span>` : nothing}</div>`;
}

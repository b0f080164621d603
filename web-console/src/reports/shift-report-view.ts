import { ROOT_UNIT_ID, shiftAt, shiftNameSchema, shiftReportResponseSchema, type ShiftFigures, type ShiftName, type ShiftReportResponse, type Unit } from "@vigil/contracts";
import { html, nothing, render, type TemplateResult } from "lit-html";
import type { AppContext } from "../app/context.js";
import { formatDateTime, formatInputDate } from "../format/time.js";
import { dateField } from "../ui/date-field.js";
import { getLang, t, type Lang } from "../i18n/index.js";
import { field, h } from "../ui/dom.js";
import { loadUnits, unitName, unitSelect } from "../units/unit-select.js";
import { durationText, shareText } from "./report-format.js";

type Row = ShiftFigures & { label: string; key: string };

/**
 * "Báo cáo ca trực" for supervisors and admins: one unit (with the units below it) and one duty shift
 * of a day in Vietnam time — alerts raised, acknowledged, resolved, still open, escalated, the
 * false-alarm share, and how long acknowledging and resolving took (median and 95th percentile);
 * then the same by alert type, by severity and by the units directly below. The server computes
 * every figure (GET /api/v1/reports/shift) and scopes the units to the user's.
 */
export class ShiftReportView {
  readonly element: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly body: HTMLElement;
  private units: Unit[] = [];
  private unitsLoaded = false;
  private report: ShiftReportResponse | null = null;
  private error: string | null = null;

  constructor(private readonly ctx: AppContext) {
    this.form = h("form", { class: "report-form row wrap", attrs: { novalidate: true, autocomplete: "off" }, on: { submit: (e) => (e.preventDefault(), void this.load()) } });
    this.body = h("div", { class: "report-body", attrs: { "aria-live": "polite" } });
    this.element = h(
      "section",
      { class: "panel report-panel", attrs: { "data-view": "report" } },
      h("header", { class: "panel-header" }, h("h2", null, t("report.title"))),
      this.form,
      this.body,
    );
  }

  /** On showing the page: the units once, then the report for what the form says (the shift running now at first). */
  async refresh(): Promise<void> {
    if (!this.unitsLoaded) {
      try {
        this.units = await loadUnits(this.ctx.api);
        this.unitsLoaded = true;
      } catch (err) {
        this.error = `${t("report.loadFailed")}: ${(err as Error).message}`;
      }
      this.renderForm(this.ctx.user.unitId ?? ROOT_UNIT_ID, shiftAt(Date.now()));
    }
    await this.load();
  }

  private renderForm(unitId: string, shift: { date: string; shift: ShiftName }): void {
    const units = this.units.length ? this.units : [{ id: unitId, name: unitId, parentId: null }];
    const date = h("input", { attrs: { type: "date", name: "date", value: shift.date, required: true, "aria-label": t("report.date") } });
    const shiftSelect = h(
      "select",
      { attrs: { name: "shift", "aria-label": t("report.shift") } },
      ...shiftNameSchema.options.map((s) => h("option", { attrs: { value: s, selected: s === shift.shift } }, t(`report.shift.${s}`))),
    );
    this.form.replaceChildren(
      field(t("report.unit"), unitSelect(units, { name: "unitId", selected: unitId, label: t("report.unit") })),
      dateField(t("report.date"), date),
      field(t("report.shift"), shiftSelect),
      h(
        "div",
        { class: "actions report-actions" },
        h("button", { class: "btn primary", attrs: { type: "submit", "data-action": "show" } }, t("report.show")),
        h("button", { class: "btn", attrs: { type: "button", "data-action": "current" }, on: { click: () => this.current() } }, t("report.current")),
      ),
    );
  }

  private current(): void {
    this.renderForm(this.value("unitId") || (this.ctx.user.unitId ?? ROOT_UNIT_ID), shiftAt(Date.now()));
    void this.load();
  }

  private value(name: string): string {
    return (this.form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null)?.value ?? "";
  }

  private async load(): Promise<void> {
    const date = this.value("date");
    const shift = shiftNameSchema.safeParse(this.value("shift"));
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !shift.success) {
      this.error = t("report.invalidDate");
      return this.draw();
    }
    try {
      this.report = await this.ctx.api.get("/api/v1/reports/shift", shiftReportResponseSchema, { unitId: this.value("unitId"), date, shift: shift.data });
      this.error = null;
    } catch (err) {
      this.report = null;
      this.error = `${t("report.loadFailed")}: ${(err as Error).message}`;
    }
    this.draw();
  }

  private draw(): void {
    const lang = getLang();
    const r = this.report;
    render(
      html`${this.error ? html`<div class="error">${this.error}</div>` : nothing}${r ? this.reportTemplate(r, lang) : nothing}`,
      this.body,
    );
  }

  private reportTemplate(r: ShiftReportResponse, lang: Lang): TemplateResult {
    const f = r.totals;
    const unit = unitName(this.units, r.unitId);
    const heading = r.shift
      ? t("report.shiftHeading", { unit, shift: t(`report.shift.${r.shift.name}`), date: formatInputDate(r.shift.date) })
      : t("report.window", { unit, from: formatDateTime(r.from, lang), to: formatDateTime(r.to, lang) });
    const tile = (key: string, label: string, value: string, hint?: string) =>
      html`<div class="report-tile" data-figure=${key} title=${hint ?? nothing}><div class="report-value">${value}</div><div class="report-label">${label}</div></div>`;
    const timing = (key: string, label: string, p50: number | null, p95: number | null) =>
      html`<div class="report-tile wide" data-figure=${key}><div class="report-label">${label}</div><div class="report-times"><span data-p="50">${t("report.medianOf", { value: durationText(p50, lang) })}</span><span data-p="95">${t("report.p95Of", { value: durationText(p95, lang) })}</span></div></div>`;
    return html`<div class="report-heading muted" data-unit-id=${r.unitId}>${heading}</div><div class="report-tiles">${[
      tile("raised", t("report.raised"), String(f.raised)),
      tile("acknowledged", t("report.acknowledged"), String(f.acknowledged)),
      tile("resolved", t("report.resolved"), String(f.resolved)),
      tile("open", t("report.open"), String(f.open)),
      tile("escalated", t("report.escalated"), String(f.escalated)),
      tile("falseAlarmShare", t("report.falseAlarmShare"), shareText(f.falseAlarmShare, lang), t("report.falseAlarmShareHint")),
      timing("ackTime", t("report.ackTime"), f.ackP50S, f.ackP95S),
      timing("resolveTime", t("report.resolveTime"), f.resolveP50S, f.resolveP95S),
    ]}</div>${
      f.raised === 0
        ? html`<div class="empty">${t("report.empty")}</div>`
        : html`${this.table("byType", t("report.byType"), t("report.type"), r.byType.map((x) => ({ ...x, key: x.type, label: t(`alert.type.${x.type}`) })), lang)}${this.table(
            "bySeverity",
            t("report.bySeverity"),
            t("report.severity"),
            r.bySeverity.map((x) => ({ ...x, key: x.severity, label: t(`alert.severity.${x.severity}`) })),
            lang,
          )}`
    }${
      r.units.length
        ? html`${this.table("byUnit", t("report.byUnit"), t("report.unit"), r.units.map((x) => ({ ...x, key: x.unitId, label: x.name })), lang)}<p class="muted small">${t("report.byUnitHint")}</p>`
        : nothing
    }`;
  }

  private table(name: string, title: string, first: string, rows: Row[], lang: Lang): TemplateResult {
    const heads = [first, t("report.raised"), t("report.acknowledged"), t("report.resolved"), t("report.escalated"), t("report.falseAlarms"), t("report.falseAlarmShare")];
    const timing = [t("report.median"), t("report.p95")];
    return html`<h3>${title}</h3><table class="data-table report-table" data-table=${name}><thead><tr>${heads.map((x, i) => html`<th rowspan="2" class=${i ? "num" : ""}>${x}</th>`)}<th colspan="2" class="num">${t(
      "report.ackTime",
    )}</th><th colspan="2" class="num">${t("report.resolveTime")}</th></tr><tr>${[...timing, ...timing].map((x) => html`<th class="num">${x}</th>`)}</tr></thead><tbody>${rows.map(
      (x) =>
        html`<tr data-key=${x.key}><td>${x.label}</td><td class="num" data-col="raised">${x.raised}</td><td class="num">${x.acknowledged}</td><td class="num">${x.resolved}</td><td class="num" data-col="escalated">${x.escalated}</td><td class="num">${x.falseAlarms}</td><td class="num" data-col="falseAlarmShare">${shareText(
          x.falseAlarmShare,
          lang,
        )}</td><td class="num" data-col="ackP50">${durationText(x.ackP50S, lang)}</td><td class="num" data-col="ackP95">${durationText(x.ackP95S, lang)}</td><td class="num" data-col="resolveP50">${durationText(
          x.resolveP50S,
          lang,
        )}</td><td class="num" data-col="resolveP95">${durationText(x.resolveP95S, lang)}</td></tr>`,
    )}</tbody></table>`;
  }
}

import { plateMatchMode, plateSearchResponseSchema, plateTrackResponseSchema, toPlateKey, type PlateRead, type PlateMatchMode } from "@vigil/contracts";
import { saveFile } from "../ui/save-file.js";
import { exportTrackCase } from "../alerts/case-export.js";
import type { AppContext } from "../app/context.js";
import { plateWithProvince } from "../format/plate.js";
import { formatDateTime, vnInputToIso } from "../format/time.js";
import { getLang, t } from "../i18n/index.js";
import { evidenceImage, field, h, replaceChildren } from "../ui/dom.js";
import { plateLabel } from "../ui/plate-label.js";
import { dateField } from "../ui/date-field.js";

const PAGE_SIZE = 50;

interface SearchParams {
  /** Absent: browse every read of the time window (and camera). */
  q?: string;
  match: PlateMatchMode;
  from?: string;
  to?: string;
  cameraId?: string;
  reason: string;
}

/**
 * Plate search: every search states a reason (it goes to the audit log). Results page by cursor,
 * export to CSV, and choosing one draws that vehicle's track on the map.
 */
export class SearchView {
  readonly element: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly plateInput: HTMLInputElement;
  private readonly cameraSelect: HTMLSelectElement;
  private readonly results: HTMLElement;
  private readonly status: HTMLElement;
  private readonly footer: HTMLElement;
  private items: PlateRead[] = [];
  private nextCursor: string | null = null;
  private params: SearchParams | null = null;
  private activePlate: string | null = null;
  /** The window and reason the drawn track was asked with: its case export covers exactly that. */
  private trackQuery: { from?: string | undefined; to?: string | undefined; reason?: string | undefined } = {};

  constructor(private readonly ctx: AppContext) {
    this.plateInput = h("input", { attrs: { name: "q", required: true, maxlength: 20, autocomplete: "off", spellcheck: "false", placeholder: "51F-123.45" } });
    const match = h("select", { attrs: { name: "match" } }, ...plateMatchMode.options.map((m) => h("option", { attrs: { value: m } }, t(`search.match.${m}`))));
    this.cameraSelect = h("select", { attrs: { name: "cameraId" } });
    ctx.cameras.reset.on(() => this.fillCameras());
    this.fillCameras();
    this.form = h(
      "form",
      { class: "search-form", attrs: { novalidate: true }, on: { submit: (e) => (e.preventDefault(), void this.search()) } },
      h("div", { class: "row" }, field(t("search.plate"), this.plateInput, "grow"), field(t("search.matchMode"), match)),
      h(
        "div",
        { class: "row" },
        dateField(t("search.from"), h("input", { attrs: { type: "datetime-local", name: "from" } })),
        dateField(t("search.to"), h("input", { attrs: { type: "datetime-local", name: "to" } })),
      ),
      field(t("search.camera"), this.cameraSelect),
      field(t("search.reason"), h("input", { attrs: { name: "reason", required: true, minlength: 3, maxlength: 500, placeholder: t("search.reasonPlaceholder") } })),
      h("div", { class: "actions" }, h("button", { class: "btn primary", attrs: { type: "submit" } }, t("search.submit")), h("span", { class: "muted small" }, t("search.timesNote"))),
    );
    this.status = h("div", { class: "search-status", attrs: { "aria-live": "polite" } });
    this.results = h("div", { class: "search-results" });
    this.footer = h("div", { class: "search-footer" });
    this.element = h(
      "section",
      { class: "panel search-panel", attrs: { "data-view": "search" } },
      h("header", { class: "panel-header" }, h("h2", null, t("search.title"))),
      this.form,
      this.status,
      this.results,
      this.footer,
    );
  }

  focus(): void {
    this.plateInput.focus();
    this.plateInput.select();
  }

  /** Pre-fills the plate (from the ticker or an alert) and focuses the reason if it's still empty. */
  prefill(plate: string): void {
    this.plateInput.value = plate;
    const reason = this.form.elements.namedItem("reason") as HTMLInputElement;
    (reason.value ? this.plateInput : reason).focus();
  }

  private fillCameras(): void {
    const current = this.cameraSelect.value;
    replaceChildren(
      this.cameraSelect,
      h("option", { attrs: { value: "" } }, t("search.allCameras")),
      ...this.ctx.cameras.list().map((c) => h("option", { attrs: { value: c.id } }, c.name)),
    );
    this.cameraSelect.value = current;
  }

  private readForm(): SearchParams | string {
    const v = (name: string) => ((this.form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? "").trim();
    // The shared plate key: "29-MĐ1 013.53" → "29MD101353", as plates are stored (Đ folds to D).
    const q = toPlateKey(v("q"));
    const from = v("from") ? vnInputToIso(v("from")) : undefined;
    const to = v("to") ? vnInputToIso(v("to")) : undefined;
    // Without a plate: every vehicle that passed in a time window (and at a camera, if chosen).
    if (!q && !(from && to)) return t("search.needPlate");
    const reason = v("reason");
    if (reason.length < 3) return t("search.needReason");
    if (from && to && from > to) return t("search.badRange");
    const match = plateMatchMode.safeParse(v("match"));
    return { ...(q ? { q } : {}), reason, from, to, cameraId: v("cameraId") || undefined, match: match.success ? match.data : "exact" };
  }

  async search(): Promise<void> {
    const params = this.readForm();
    if (typeof params === "string") {
      this.setStatus(params, true);
      return;
    }
    this.params = params;
    this.items = [];
    this.nextCursor = null;
    await this.loadPage();
  }

  private async loadPage(cursor?: string): Promise<void> {
    if (!this.params) return;
    this.setStatus(t("search.searching"));
    try {
      const page = await this.ctx.api.get("/api/v1/plates", plateSearchResponseSchema, { ...this.params, limit: PAGE_SIZE, cursor });
      this.items = [...this.items, ...page.items];
      this.nextCursor = page.nextCursor;
      this.setStatus(this.items.length ? t("search.count", { count: this.items.length }) : t("search.none"));
      this.renderResults();
    } catch (err) {
      this.setStatus(`${t("search.failed")}: ${(err as Error).message}`, true);
    }
  }

  private setStatus(text: string, error = false): void {
    this.status.textContent = text;
    this.status.classList.toggle("error", error);
  }

  private renderResults(): void {
    const lang = getLang();
    const rows = this.items.map((r) =>
      h(
        "tr",
        {
          class: `result${this.activePlate === r.plate ? " active" : ""}`,
          attrs: { "data-plate": r.plate, tabindex: 0 },
          on: { click: () => void this.showTrack(r.plate), keydown: (e) => e.key === "Enter" && void this.showTrack(r.plate) },
        },
        h("td", { class: "thumb" }, evidenceImage(r.crop ?? r.snapshot, r.display, "thumb-img")),
        h("td", null, plateLabel(r.display, r.plate), r.score !== undefined ? h("div", { class: "muted small" }, t("search.score", { score: Math.round(r.score * 100) })) : null),
        h("td", null, this.ctx.cameras.name(r.cameraId)),
        h("td", null, formatDateTime(r.ts, lang)),
        h("td", { class: "num" }, `${Math.round(r.confidence * 100)}%`),
      ),
    );
    replaceChildren(
      this.results,
      this.items.length
        ? h(
            "table",
            { class: "data-table" },
            h("thead", null, h("tr", null, h("th", null, ""), h("th", null, t("search.col.plate")), h("th", null, t("search.col.camera")), h("th", null, t("search.col.time")), h("th", null, t("search.col.confidence")))),
            h("tbody", null, ...rows),
          )
        : null,
    );
    replaceChildren(
      this.footer,
      this.nextCursor ? h("button", { class: "btn", attrs: { type: "button", "data-action": "more" }, on: { click: () => void this.loadPage(this.nextCursor ?? undefined) } }, t("search.more")) : null,
      this.items.length ? h("button", { class: "btn", attrs: { type: "button", "data-action": "csv" }, on: { click: () => void this.exportCsv() } }, t("search.exportCsv")) : null,
      this.activePlate ? h("button", { class: "btn", attrs: { type: "button" }, on: { click: () => this.clearTrack() } }, t("search.clearTrack")) : null,
      this.activePlate ? this.trackCaseButton(this.activePlate) : null,
    );
  }

  private async showTrack(plate: string): Promise<void> {
    try {
      const track = await this.ctx.api.get(`/api/v1/plates/${encodeURIComponent(plate)}/track`, plateTrackResponseSchema, {
        from: this.params?.from,
        to: this.params?.to,
        // The track is part of the same inquiry: the audit log gets the same reason.
        reason: this.params?.reason,
      });
      this.activePlate = plate;
      this.trackQuery = { from: this.params?.from, to: this.params?.to, reason: this.params?.reason };
      const placed = this.ctx.map.track.show(track);
      this.setStatus(t("search.trackShown", { plate: plateWithProvince(track.display, track.plate), count: placed }));
      this.renderResults();
    } catch (err) {
      this.setStatus(`${t("search.failed")}: ${(err as Error).message}`, true);
    }
  }

  /** The drawn track (same plate and window) as a signed case ZIP; the dialog offers the search's reason. */
  private trackCaseButton(plate: string): HTMLElement {
    const { from, to, reason } = this.trackQuery;
    return h(
      "button",
      { class: "btn", attrs: { type: "button", "data-action": "export-track-case", title: t("caseExport.trackTitle") }, on: { click: () => void exportTrackCase(this.ctx, { plate, from, to, reason }) } },
      t("caseExport.trackButton"),
    );
  }

  private clearTrack(): void {
    this.activePlate = null;
    this.ctx.map.track.clear();
    this.renderResults();
  }

  /**
   * The server builds the export (every match of this search, not just the loaded pages; absolute
   * evidence links) and writes it to the audit log with the reason the operator gave for the search.
   */
  private async exportCsv(): Promise<void> {
    if (!this.params) return;
    const { reason, match, q, from, to, cameraId } = this.params;
    this.setStatus(t("search.exporting"));
    try {
      const file = await this.ctx.api.download("/api/v1/plates/export", { q, match, from, to, cameraId, reason, lang: getLang() });
      saveFile(file.blob, file.filename ?? "vigil-plates.csv");
      const rows = Number(file.headers.get("x-export-rows") ?? 0);
      const truncated = file.headers.get("x-export-truncated") === "true";
      this.setStatus(t(truncated ? "search.exportTruncated" : "search.exported", { count: rows }), truncated);
    } catch (err) {
      this.setStatus(`${t("search.exportFailed")}: ${(err as Error).message}`, true);
    }
  }
}

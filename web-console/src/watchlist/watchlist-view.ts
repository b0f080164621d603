import { isValidPlate, toPlateKey, watchlistCreateResponseSchema, watchlistEntrySchema, watchlistMatchType, watchlistPriority, type WatchlistEntry } from "@vigil/contracts";
import { z } from "zod";
import type { AppContext } from "../app/context.js";
import { plateWithProvince } from "../format/plate.js";
import { formatDateTime, vnInputToIso } from "../format/time.js";
import { dateField } from "../ui/date-field.js";
import { getLang, t } from "../i18n/index.js";
import { field, h, replaceChildren } from "../ui/dom.js";
import { plateLabel } from "../ui/plate-label.js";

/** The list route answers `{ items }` (or a bare array from older servers). */
const watchlistListResponse = z.union([z.object({ items: z.array(watchlistEntrySchema) }).transform((v) => v.items), z.array(watchlistEntrySchema)]);

/**
 * Watchlist: everyone sees the entries and recent hits; supervisors and admins add and remove.
 * The server enforces the role too — hiding the form is for clarity, not security.
 */
export class WatchlistView {
  readonly element: HTMLElement;
  private readonly table: HTMLElement;
  private readonly hits: HTMLElement;
  private readonly status: HTMLElement;
  private entries: WatchlistEntry[] = [];

  constructor(private readonly ctx: AppContext) {
    this.table = h("div", { class: "watchlist-table" });
    this.hits = h("div", { class: "watchlist-hits" });
    this.status = h("div", { class: "form-status", attrs: { "aria-live": "polite" } });
    this.element = h(
      "section",
      { class: "panel watchlist-panel", attrs: { "data-view": "watchlist" } },
      h("header", { class: "panel-header" }, h("h2", null, t("watchlist.title"))),
      ctx.can("supervisor") ? this.form() : h("p", { class: "muted notice", attrs: { "data-role-notice": "" } }, t("watchlist.readOnly")),
      this.status,
      this.table,
      h("h3", null, t("watchlist.recentHits")),
      this.hits,
    );
    ctx.alerts.changed.on((change) => {
      if (change.ids.length) this.renderHits();
    });
  }

  async refresh(): Promise<void> {
    try {
      this.entries = await this.ctx.api.get("/api/v1/watchlist", watchlistListResponse);
      this.renderTable();
    } catch (err) {
      this.setStatus(`${t("watchlist.loadFailed")}: ${(err as Error).message}`, true);
    }
    this.renderHits();
  }

  private form(): HTMLFormElement {
    const priority = h("select", { attrs: { name: "priority" } }, ...watchlistPriority.options.map((p) => h("option", { attrs: { value: p } }, t(`priority.${p}`))));
    priority.value = "high";
    const match = h("select", { attrs: { name: "match" } }, ...watchlistMatchType.options.map((m) => h("option", { attrs: { value: m } }, t(`watchlist.match.${m}`))));
    const form: HTMLFormElement = h(
      "form",
      { class: "watchlist-form", attrs: { novalidate: true }, on: { submit: (e) => (e.preventDefault(), void this.add(form)) } },
      h(
        "div",
        { class: "row" },
        field(t("watchlist.plate"), h("input", { attrs: { name: "plate", required: true, maxlength: 20, placeholder: "51F-123.45", autocomplete: "off" } }), "grow"),
        field(t("watchlist.matchLabel"), match),
        field(t("watchlist.priority"), priority),
      ),
      field(t("watchlist.reason"), h("input", { attrs: { name: "reason", required: true, maxlength: 500, placeholder: t("watchlist.reasonPlaceholder") } })),
      dateField(t("watchlist.expires"), h("input", { attrs: { name: "expiresAt", type: "datetime-local" } })),
      h("div", { class: "actions" }, h("button", { class: "btn primary", attrs: { type: "submit" } }, t("watchlist.add"))),
    );
    return form;
  }

  private async add(form: HTMLFormElement): Promise<void> {
    const v = (name: string) => ((form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? "").trim();
    const plate = v("plate");
    const reason = v("reason");
    const match = watchlistMatchType.parse(v("match") || "plate");
    // The server checks the same (one plate grammar, in contracts); here the operator gets it in their language.
    if (match === "plate" && !isValidPlate(plate)) return this.setStatus(t("watchlist.invalidPlate"), true);
    if (match === "partial" && (toPlateKey(plate).length < 3 || toPlateKey(plate).length > 12)) return this.setStatus(t("watchlist.needPartial"), true);
    if (!reason) return this.setStatus(t("watchlist.needReason"), true);
    const expiresAt = v("expiresAt") ? vnInputToIso(v("expiresAt")) : undefined;
    try {
      const res = await this.ctx.api.post("/api/v1/watchlist", watchlistCreateResponseSchema, {
        plate,
        match,
        reason,
        priority: watchlistPriority.parse(v("priority") || "high"),
        expiresAt,
      });
      form.reset();
      (form.elements.namedItem("priority") as HTMLSelectElement).value = "high";
      this.setStatus(t("watchlist.added", { plate: plateWithProvince(res.entry.display, res.entry.plate), hits: res.pastHits }));
      await this.refresh();
    } catch (err) {
      this.setStatus(`${t("watchlist.addFailed")}: ${(err as Error).message}`, true);
    }
  }

  private async remove(entry: WatchlistEntry): Promise<void> {
    if (!window.confirm(t("watchlist.confirmRemove", { plate: entry.display }))) return;
    try {
      await this.ctx.api.delete(`/api/v1/watchlist/${encodeURIComponent(entry.id)}`, z.unknown());
      this.setStatus(t("watchlist.removed", { plate: entry.display }));
      await this.refresh();
    } catch (err) {
      this.setStatus(`${t("watchlist.removeFailed")}: ${(err as Error).message}`, true);
    }
  }

  private setStatus(text: string, error = false): void {
    this.status.textContent = text;
    this.status.classList.toggle("error", error);
  }

  private renderTable(): void {
    const lang = getLang();
    const canEdit = this.ctx.can("supervisor");
    if (this.entries.length === 0) return replaceChildren(this.table, h("div", { class: "empty" }, t("watchlist.empty")));
    replaceChildren(
      this.table,
      h(
        "table",
        { class: "data-table" },
        h(
          "thead",
          null,
          h("tr", null, ...[t("watchlist.plate"), t("watchlist.priority"), t("watchlist.reason"), t("watchlist.expires"), t("watchlist.hits"), t("watchlist.createdBy"), ""].map((c) => h("th", null, c))),
        ),
        h(
          "tbody",
          null,
          ...this.entries.map((e) =>
            h(
              "tr",
              { attrs: { "data-watch-id": e.id, "data-plate": e.plate } },
              h("td", null, e.match === "partial" ? h("span", { class: "plate-pattern", attrs: { "data-match": "partial" } }, `*${e.plate}*`, h("div", { class: "muted small" }, t("watchlist.match.partial"))) : plateLabel(e.display, e.plate)),
              h("td", null, h("span", { class: `sev sev-${e.priority}` }, t(`priority.${e.priority}`))),
              h("td", null, e.reason),
              h("td", null, e.expiresAt ? formatDateTime(e.expiresAt, lang) : t("watchlist.never")),
              h("td", { class: "num" }, e.hits === undefined ? "—" : String(e.hits)),
              h("td", null, e.createdBy, h("div", { class: "muted small" }, formatDateTime(e.createdAt, lang))),
              h("td", null, canEdit ? h("button", { class: "btn small", attrs: { type: "button", "data-action": "remove" }, on: { click: () => void this.remove(e) } }, t("watchlist.remove")) : null),
            ),
          ),
        ),
      ),
    );
  }

  private renderHits(): void {
    const lang = getLang();
    const hits = this.ctx.alerts.list().filter((a) => a.type === "watchlist_hit").slice(0, 20);
    if (hits.length === 0) return replaceChildren(this.hits, h("div", { class: "empty" }, t("watchlist.noHits")));
    replaceChildren(
      this.hits,
      h(
        "ul",
        { class: "hit-list" },
        ...hits.map((a) =>
          h(
            "li",
            { class: `sev-${a.severity}` },
            plateLabel(a.display, a.plate),
            h("span", null, this.ctx.cameras.name(a.cameraId)),
            h("time", null, formatDateTime(a.ts, lang)),
            h("span", { class: `state state-${a.state}` }, t(`alert.state.${a.state}`)),
          ),
        ),
      ),
    );
  }
}

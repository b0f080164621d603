import { auditListResponseSchema, type AuditEntry } from "@vigil/contracts";
import type { AppContext } from "../app/context.js";
import { formatDateTime } from "../format/time.js";
import { getLang, t } from "../i18n/index.js";
import { h, replaceChildren } from "../ui/dom.js";

/** Who did what: logins, plate searches with their reasons, watchlist and alert changes (supervisors: their units' users; admins: everyone). */
export class AuditView {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly filter: HTMLInputElement;
  private entries: AuditEntry[] = [];

  constructor(private readonly ctx: AppContext) {
    this.body = h("div", { class: "audit-table" });
    this.filter = h("input", { attrs: { type: "search", placeholder: t("audit.filter"), "aria-label": t("audit.filter") }, on: { input: () => this.render() } });
    this.element = h(
      "section",
      { class: "panel audit-panel", attrs: { "data-view": "audit" } },
      h(
        "header",
        { class: "panel-header" },
        h("h2", null, t("audit.title")),
        h("button", { class: "btn small", attrs: { type: "button" }, on: { click: () => void this.refresh() } }, t("audit.refresh")),
      ),
      this.filter,
      this.body,
    );
  }

  async refresh(): Promise<void> {
    try {
      this.entries = (await this.ctx.api.get("/api/v1/audit", auditListResponseSchema)).items;
      this.render();
    } catch (err) {
      replaceChildren(this.body, h("div", { class: "error" }, `${t("audit.loadFailed")}: ${(err as Error).message}`));
    }
  }

  private render(): void {
    const lang = getLang();
    const needle = this.filter.value.trim().toLowerCase();
    const shown = needle
      ? this.entries.filter((e) => [e.username, e.action, e.target, JSON.stringify(e.details)].some((x) => x?.toLowerCase().includes(needle)))
      : this.entries;
    if (shown.length === 0) return replaceChildren(this.body, h("div", { class: "empty" }, t("audit.empty")));
    replaceChildren(
      this.body,
      h(
        "table",
        { class: "data-table" },
        h("thead", null, h("tr", null, ...[t("audit.time"), t("audit.user"), t("audit.action"), t("audit.target"), t("audit.details"), t("audit.ip")].map((x) => h("th", null, x)))),
        h(
          "tbody",
          null,
          ...shown.map((e) =>
            h(
              "tr",
              null,
              h("td", null, formatDateTime(e.ts, lang)),
              h("td", null, e.username ?? "—"),
              h("td", null, h("code", null, e.action)),
              h("td", null, e.target ?? ""),
              h("td", { class: "details" }, ...detailLines(e.details)),
              h("td", null, e.ip ?? ""),
            ),
          ),
        ),
      ),
    );
  }
}

/** `{ reason: "…", match: "exact" }` as "reason: …" lines; nested values stay JSON. */
function detailLines(details: AuditEntry["details"]): HTMLElement[] {
  if (!details) return [];
  return Object.entries(details)
    .filter(([, v]) => v !== undefined && v !== null && v !== "")
    .map(([k, v]) => h("div", null, h("b", null, `${k}: `), typeof v === "string" ? v : JSON.stringify(v)));
}

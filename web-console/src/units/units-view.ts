import { buildUnitTree, cameraViewSchema, flattenTree, ROOT_UNIT_ID, unitSchema, unitCreateSchema, type CameraView, type Unit } from "@vigil/contracts";
import { z } from "zod";
import { ApiError } from "../api/client.js";
import type { AppContext } from "../app/context.js";
import { t } from "../i18n/index.js";
import { field, h, replaceChildren } from "../ui/dom.js";
import { loadUnits, unitName, unitSelect } from "./unit-select.js";

/** Server refusals with their own wording here; anything else shows the generic failure and the server's text. */
const UNIT_ERRORS = ["cycle", "root_unit", "unit_exists", "unknown_parent", "unit_not_empty", "not_found"] as const;
type UnitErrorCode = (typeof UNIT_ERRORS)[number];
const isUnitError = (code: string): code is UnitErrorCode => (UNIT_ERRORS as readonly string[]).includes(code);
const contentsSchema = z.object({ children: z.array(z.string()), cameras: z.array(z.string()), users: z.array(z.string()), watchlistEntries: z.number() }).partial();

/**
 * Police units, for admins: the tree (province → district → commune), add a unit, rename it, move
 * it under another, remove an empty one; and which unit each camera belongs to. The server refuses
 * a move under the unit's own descendant and the removal of a unit that still holds something.
 */
export class UnitsView {
  readonly element: HTMLElement;
  private readonly tree: HTMLElement;
  private readonly cameras: HTMLElement;
  private readonly status: HTMLElement;
  private readonly form: HTMLFormElement;
  private units: Unit[] = [];

  constructor(private readonly ctx: AppContext) {
    this.tree = h("ul", { class: "unit-tree" });
    this.cameras = h("div", { class: "unit-cameras" });
    this.status = h("div", { class: "form-status", attrs: { "aria-live": "polite" } });
    this.form = h("form", { class: "units-form", attrs: { novalidate: true, autocomplete: "off" }, on: { submit: (e) => (e.preventDefault(), void this.create()) } });
    this.element = h(
      "section",
      { class: "panel units-panel", attrs: { "data-view": "units" } },
      h("header", { class: "panel-header" }, h("h2", null, t("units.title")), h("button", { class: "btn small", attrs: { type: "button", "data-action": "refresh" }, on: { click: () => void this.refresh() } }, t("units.refresh"))),
      this.form,
      this.status,
      this.tree,
      h("h3", null, t("units.camerasTitle")),
      this.cameras,
    );
    ctx.cameras.reset.on(() => this.renderCameras());
  }

  async refresh(): Promise<void> {
    try {
      this.units = await loadUnits(this.ctx.api);
      this.render();
    } catch (err) {
      this.setStatus(`${t("units.loadFailed")}: ${(err as Error).message}`, true);
    }
  }

  private render(): void {
    this.renderForm();
    this.renderTree();
    this.renderCameras();
  }

  private renderForm(): void {
    replaceChildren(
      this.form,
      h("h3", null, t("units.createTitle")),
      h(
        "div",
        { class: "row wrap" },
        field(t("units.name"), h("input", { attrs: { name: "name", required: true, maxlength: 200 } })),
        field(t("units.id"), h("input", { attrs: { name: "id", maxlength: 64, spellcheck: "false", placeholder: t("units.idHint") } })),
        field(t("units.parent"), unitSelect(this.units, { name: "parentId", selected: ROOT_UNIT_ID, label: t("units.parent") })),
      ),
      h("div", { class: "actions" }, h("button", { class: "btn primary", attrs: { type: "submit" } }, t("units.create"))),
    );
  }

  private renderTree(): void {
    const tree = buildUnitTree(this.units);
    const rows = flattenTree(tree).map(({ unit, depth }) => {
      const isRoot = unit.id === tree.rootId;
      const name = h("input", { class: "unit-name", attrs: { name: "name", value: unit.name, maxlength: 200, "aria-label": t("units.name") } });
      const parent = isRoot ? null : unitSelect(this.units, { name: "parentId", selected: unit.parentId, exclude: unit.id, label: t("units.parent") });
      const counts = h("span", { class: "muted small" }, unit.id);
      return h(
        "li",
        { class: "unit-row", attrs: { "data-unit-id": unit.id, style: `padding-left: ${depth * 18}px` } },
        h("div", { class: "unit-line" }, name, parent ? h("span", { class: "muted small" }, t("units.under")) : null, parent, counts),
        h(
          "div",
          { class: "unit-actions" },
          h("button", { class: "btn small", attrs: { type: "button", "data-action": "save" }, on: { click: () => void this.save(unit, name.value, parent?.value) } }, t("units.save")),
          isRoot ? null : h("button", { class: "btn small warn", attrs: { type: "button", "data-action": "delete" }, on: { click: () => void this.remove(unit) } }, t("units.delete")),
        ),
      );
    });
    replaceChildren(this.tree, ...rows);
  }

  /** Each camera with the unit it belongs to; changing the choice moves the camera (admin). */
  private renderCameras(): void {
    if (!this.units.length) return;
    const cams = this.ctx.cameras.list().sort((a, b) => a.name.localeCompare(b.name, "vi", { numeric: true }));
    if (!cams.length) return replaceChildren(this.cameras, h("div", { class: "empty" }, t("cameras.none")));
    const row = (c: CameraView) => {
      const select = unitSelect(this.units, { name: "unitId", selected: c.unitId ?? ROOT_UNIT_ID, label: t("units.cameraUnit", { camera: c.name }) });
      select.addEventListener("change", () => void this.moveCamera(c, select.value));
      return h("tr", { attrs: { "data-camera-id": c.id } }, h("td", null, h("div", null, c.name), h("div", { class: "muted small" }, c.id)), h("td", null, select));
    };
    replaceChildren(
      this.cameras,
      h("table", { class: "data-table" }, h("thead", null, h("tr", null, h("th", null, t("cameras.name")), h("th", null, t("units.unit")))), h("tbody", null, ...cams.map(row))),
    );
  }

  private async create(): Promise<void> {
    const value = (name: string) => (this.form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value.trim();
    const parsed = unitCreateSchema.safeParse({ name: value("name"), parentId: value("parentId") || undefined, ...(value("id") ? { id: value("id") } : {}) });
    if (!parsed.success) return this.setStatus(t(value("name") ? "units.error.invalid_id" : "units.error.no_name"), true);
    try {
      const unit = await this.ctx.api.post("/api/v1/units", unitSchema, parsed.data);
      this.setStatus(t("units.created", { name: unit.name }));
      await this.refresh();
    } catch (err) {
      this.fail(err);
    }
  }

  private async save(unit: Unit, name: string, parentId: string | undefined): Promise<void> {
    const patch = { ...(name.trim() && name.trim() !== unit.name ? { name: name.trim() } : {}), ...(parentId && parentId !== unit.parentId ? { parentId } : {}) };
    if (!Object.keys(patch).length) return;
    try {
      await this.ctx.api.patch(`/api/v1/units/${encodeURIComponent(unit.id)}`, unitSchema, patch);
      this.setStatus(t("units.saved", { name: patch.name ?? unit.name }));
      await this.refresh();
    } catch (err) {
      this.fail(err);
      this.render();
    }
  }

  private async remove(unit: Unit): Promise<void> {
    if (!window.confirm(t("units.confirmDelete", { name: unit.name }))) return;
    try {
      await this.ctx.api.delete(`/api/v1/units/${encodeURIComponent(unit.id)}`, z.unknown());
      this.setStatus(t("units.deleted", { name: unit.name }));
      await this.refresh();
    } catch (err) {
      this.fail(err);
    }
  }

  private async moveCamera(camera: CameraView, unitId: string): Promise<void> {
    try {
      const updated = await this.ctx.api.patch(`/api/v1/cameras/${encodeURIComponent(camera.id)}`, cameraViewSchema, { unitId });
      this.ctx.cameras.replaceAll(this.ctx.cameras.list().map((c) => (c.id === updated.id ? updated : c)));
      this.setStatus(t("units.cameraMoved", { camera: camera.name, unit: unitName(this.units, unitId) }));
    } catch (err) {
      this.fail(err);
      this.renderCameras();
    }
  }

  private fail(err: unknown): void {
    const code = err instanceof ApiError ? err.code : "";
    if (code === "unit_not_empty" && err instanceof ApiError) {
      const c = contentsSchema.safeParse(err.details);
      const held = c.success ? c.data : {};
      const parts = [
        held.children?.length ? t("units.holds.units", { n: held.children.length, list: held.children.map((id) => unitName(this.units, id)).join(", ") }) : "",
        held.cameras?.length ? t("units.holds.cameras", { n: held.cameras.length, list: held.cameras.join(", ") }) : "",
        held.users?.length ? t("units.holds.users", { n: held.users.length, list: held.users.join(", ") }) : "",
        held.watchlistEntries ? t("units.holds.watchlist", { n: held.watchlistEntries }) : "",
      ].filter(Boolean);
      return this.setStatus(t("units.error.unit_not_empty", { contents: parts.join("; ") }), true);
    }
    this.setStatus(isUnitError(code) ? t(`units.error.${code}`, { contents: "" }) : `${t("units.failed")}: ${(err as Error).message}`, true);
  }

  private setStatus(text: string, error = false): void {
    this.status.textContent = text;
    this.status.classList.toggle("error", error);
  }
}

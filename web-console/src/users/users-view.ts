import { createUserBodySchema, ROOT_UNIT_ID, userListResponseSchema, userPatchResponseSchema, userRole, userSessionsRevokedResponseSchema, userViewSchema, type Unit, type UserPatch, type UserRole, type UserView } from "@vigil/contracts";
import { ApiError } from "../api/client.js";
import type { AppContext } from "../app/context.js";
import { formatDateTime } from "../format/time.js";
import { getLang, t } from "../i18n/index.js";
import { field, h, replaceChildren } from "../ui/dom.js";
import { loadUnits, unitName, unitSelect } from "../units/unit-select.js";

/** The server's refusal codes that have their own wording here; anything else shows the generic failure and the server's text. */
const ACCOUNT_ERRORS = [
  "password_too_short",
  "password_too_long",
  "password_repetitive",
  "password_sequence",
  "password_contains_username",
  "password_common",
  "user_exists",
  "own_account",
  "last_admin",
  "not_found",
] as const;
type AccountError = (typeof ACCOUNT_ERRORS)[number];
const isAccountError = (code: string): code is AccountError => (ACCOUNT_ERRORS as readonly string[]).includes(code);

/** Mirrors the server's first rule so the common mistake is answered at once; the server checks everything. */
const PASSWORD_MIN_LENGTH = 10;

/**
 * Accounts, for admins: create, change role, disable/enable, reset a password, end sessions. Shown
 * to admins only — the server refuses everyone else anyway. An admin's own row cannot be disabled
 * or demoted (the server says the same, and also keeps the last active admin).
 */
export class UsersView {
  readonly element: HTMLElement;
  private readonly table: HTMLElement;
  private readonly status: HTMLElement;
  private users: UserView[] = [];
  private units: Unit[] = [];
  /** The create form's unit choice, filled once the units are loaded. */
  private readonly unitSlot = h("span", { class: "unit-slot" });
  /** The user whose password-reset row is open. */
  private resetting: string | null = null;

  constructor(private readonly ctx: AppContext) {
    this.table = h("div", { class: "users-table" });
    this.status = h("div", { class: "form-status", attrs: { "aria-live": "polite" } });
    this.element = h(
      "section",
      { class: "panel users-panel", attrs: { "data-view": "users" } },
      h(
        "header",
        { class: "panel-header" },
        h("h2", null, t("users.title")),
        h("button", { class: "btn small", attrs: { type: "button", "data-action": "refresh" }, on: { click: () => void this.refresh() } }, t("users.refresh")),
      ),
      this.form(),
      this.status,
      this.table,
    );
  }

  async refresh(): Promise<void> {
    try {
      // Without the units (an older server) the page still works, without the unit column's choices.
      [this.users, this.units] = await Promise.all([this.ctx.api.get("/api/v1/users", userListResponseSchema).then((r) => r.items), loadUnits(this.ctx.api).catch(() => [])]);
      const previous = (this.unitSlot.querySelector("select") as HTMLSelectElement | null)?.value;
      replaceChildren(this.unitSlot, this.units.length ? h("label", { class: "field" }, h("span", null, t("users.unit")), unitSelect(this.units, { name: "unitId", selected: previous ?? ROOT_UNIT_ID, label: t("users.unit") })) : null);
      this.render();
    } catch (err) {
      this.setStatus(`${t("users.loadFailed")}: ${(err as Error).message}`, true);
    }
  }

  private form(): HTMLFormElement {
    const role = h("select", { attrs: { name: "role" } }, ...userRole.options.map((r) => h("option", { attrs: { value: r } }, t(`role.${r}`))));
    const form: HTMLFormElement = h(
      "form",
      { class: "users-form", attrs: { novalidate: true, autocomplete: "off" }, on: { submit: (e) => (e.preventDefault(), void this.create(form)) } },
      h("h3", null, t("users.createTitle")),
      h(
        "div",
        { class: "row wrap" },
        field(t("users.username"), h("input", { attrs: { name: "username", required: true, maxlength: 64, autocomplete: "off", spellcheck: "false" } })),
        field(t("users.password"), h("input", { attrs: { name: "password", type: "password", required: true, maxlength: 256, autocomplete: "new-password" } })),
        field(t("users.role"), role),
        this.unitSlot,
      ),
      h("p", { class: "muted small hint" }, t("users.passwordHint")),
      h("div", { class: "actions" }, h("button", { class: "btn primary", attrs: { type: "submit" } }, t("users.create"))),
    );
    return form;
  }

  private async create(form: HTMLFormElement): Promise<void> {
    const input = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
    const username = input("username").value.trim();
    const password = input("password").value;
    if (!createUserBodySchema.shape.username.safeParse(username).success) return this.setStatus(t("users.error.invalid_username"), true);
    if ([...password].length < PASSWORD_MIN_LENGTH) return this.setStatus(t("users.error.password_too_short"), true);
    const role = userRole.parse(input("role").value || "operator");
    const unitId = input("unitId")?.value || undefined;
    try {
      const user = await this.ctx.api.post("/api/v1/users", userViewSchema, { username, password, role, ...(unitId ? { unitId } : {}) });
      form.reset();
      this.setStatus(t("users.created", { username: user.username, role: t(`role.${user.role}`) }));
      await this.refresh();
    } catch (err) {
      this.fail(err);
    }
  }

  private async change(user: UserView, patch: UserPatch, done: (sessions: number) => string): Promise<boolean> {
    try {
      const res = await this.ctx.api.patch(`/api/v1/users/${encodeURIComponent(user.username)}`, userPatchResponseSchema, patch);
      this.setStatus(done(res.sessionsRevoked));
      await this.refresh();
      return true;
    } catch (err) {
      this.fail(err);
      this.render(); // puts a refused role choice back
      return false;
    }
  }

  private async toggleDisabled(user: UserView): Promise<void> {
    if (!user.disabled && !window.confirm(t("users.confirmDisable", { username: user.username }))) return;
    await this.change(user, { disabled: !user.disabled }, (sessions) =>
      user.disabled ? t("users.enabledDone", { username: user.username }) : t("users.disabledDone", { username: user.username, sessions }),
    );
  }

  private async changeRole(user: UserView, role: UserRole): Promise<void> {
    if (role === user.role) return;
    await this.change(user, { role }, () => t("users.roleChanged", { username: user.username, role: t(`role.${role}`) }));
  }

  private async changeUnit(user: UserView, unitId: string): Promise<void> {
    if (unitId === (user.unitId ?? ROOT_UNIT_ID)) return;
    await this.change(user, { unitId }, (sessions) => t("users.unitChanged", { username: user.username, unit: unitName(this.units, unitId), sessions }));
  }

  private async resetPassword(user: UserView, input: HTMLInputElement): Promise<void> {
    if ([...input.value].length < PASSWORD_MIN_LENGTH) return this.setStatus(t("users.error.password_too_short"), true);
    const ok = await this.change(user, { password: input.value }, (sessions) => t("users.passwordResetDone", { username: user.username, sessions }));
    if (ok) {
      this.resetting = null;
      this.render();
    }
  }

  private async revokeSessions(user: UserView): Promise<void> {
    if (!window.confirm(t("users.confirmRevoke", { username: user.username }))) return;
    try {
      const res = await this.ctx.api.delete(`/api/v1/users/${encodeURIComponent(user.username)}/sessions`, userSessionsRevokedResponseSchema);
      this.setStatus(t("users.sessionsRevokedDone", { username: res.username, sessions: res.revoked }));
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    const code = err instanceof ApiError ? err.code : "";
    this.setStatus(isAccountError(code) ? t(`users.error.${code}`) : `${t("users.failed")}: ${(err as Error).message}`, true);
  }

  private setStatus(text: string, error = false): void {
    this.status.textContent = text;
    this.status.classList.toggle("error", error);
  }

  private render(): void {
    const lang = getLang();
    const me = this.ctx.user.username;
    const rows = this.users.flatMap((u) => {
      const own = u.username === me;
      const role = h(
        "select",
        { attrs: { name: "role", "aria-label": t("users.role"), disabled: own, title: own ? t("users.ownAccountHint") : undefined } },
        ...userRole.options.map((r) => h("option", { attrs: { value: r, selected: r === u.role } }, t(`role.${r}`))),
      );
      role.addEventListener("change", () => void this.changeRole(u, userRole.parse(role.value)));
      const unit = this.units.length ? unitSelect(this.units, { name: "unitId", selected: u.unitId ?? ROOT_UNIT_ID, label: t("users.unit") }) : null;
      unit?.addEventListener("change", () => void this.changeUnit(u, unit.value));
      const row = h(
        "tr",
        { class: u.disabled ? "user-disabled" : "", attrs: { "data-username": u.username, "data-disabled": String(u.disabled) } },
        h(
          "td",
          { class: "user-name" },
          h("b", null, u.username),
          own ? h("span", { class: "muted" }, ` ${t("users.you")}`) : null,
          h("div", null, h("span", { class: `user-state ${u.disabled ? "off" : "on"}`, attrs: { "data-state": u.disabled ? "disabled" : "active" } }, u.disabled ? t("users.stateDisabled") : t("users.stateActive"))),
          h("div", { class: "muted small" }, formatDateTime(u.createdAt, lang), u.createdBy ? ` · ${t("users.createdBy", { by: u.createdBy })}` : ""),
          // In the account cell, not a column of its own: the table must fit the side panel at 800×600.
          h("div", { class: "user-unit small" }, unit ?? unitName(this.units, u.unitId)),
        ),
        h("td", null, role),
        h("td", { class: "small user-login" }, u.lastLoginAt ? formatDateTime(u.lastLoginAt, lang) : h("span", { class: "muted" }, t("users.neverLoggedIn"))),
        h(
          "td",
          null,
          h(
            "div",
            { class: "user-actions" },
            h(
              "button",
              { class: `btn small${u.disabled ? "" : " warn"}`, attrs: { type: "button", "data-action": "toggle-disabled", disabled: own && !u.disabled, title: own ? t("users.ownAccountHint") : undefined }, on: { click: () => void this.toggleDisabled(u) } },
              u.disabled ? t("users.enable") : t("users.disable"),
            ),
            h("button", { class: "btn small", attrs: { type: "button", "data-action": "reset-password", "aria-expanded": String(this.resetting === u.username) }, on: { click: () => this.toggleReset(u.username) } }, t("users.resetPassword")),
            h("button", { class: "btn small", attrs: { type: "button", "data-action": "revoke-sessions" }, on: { click: () => void this.revokeSessions(u) } }, t("users.revokeSessions")),
          ),
        ),
      );
      return this.resetting === u.username ? [row, this.resetRow(u)] : [row];
    });
    const heads = [t("users.account"), t("users.role"), t("users.lastLogin"), t("users.actions")];
    replaceChildren(this.table, h("table", { class: "data-table" }, h("thead", null, h("tr", null, ...heads.map((c) => h("th", null, c)))), h("tbody", null, ...rows)));
  }

  private toggleReset(username: string): void {
    this.resetting = this.resetting === username ? null : username;
    this.render();
    this.table.querySelector<HTMLInputElement>("tr.reset-row input")?.focus();
  }

  private resetRow(user: UserView): HTMLElement {
    const input = h("input", { attrs: { type: "password", name: "newPassword", maxlength: 256, autocomplete: "new-password", "aria-label": t("users.newPassword"), placeholder: t("users.newPassword") } });
    const form = h(
      "form",
      { class: "reset-form", attrs: { novalidate: true }, on: { submit: (e) => (e.preventDefault(), void this.resetPassword(user, input)) } },
      input,
      h("button", { class: "btn small primary", attrs: { type: "submit" } }, t("users.savePassword")),
      h("button", { class: "btn small", attrs: { type: "button" }, on: { click: () => this.toggleReset(user.username) } }, t("users.cancel")),
    );
    return h("tr", { class: "reset-row", attrs: { "data-reset-for": user.username } }, h("td", { attrs: { colspan: 4 } }, h("div", { class: "muted small" }, t("users.resetExplain", { username: user.username })), form));
  }
}

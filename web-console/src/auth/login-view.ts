import { loginResponseSchema, type LoginResponse } from "@vigil/contracts";
import type { ApiClient } from "../api/client.js";
import { ApiError } from "../api/client.js";
import { t } from "../i18n/index.js";
import { h } from "../ui/dom.js";
import { languageSwitch } from "../app/language-switch.js";

/** The login screen; resolves once the server accepted the credentials (and set the session cookie). */
export function showLogin(root: HTMLElement, api: ApiClient): Promise<LoginResponse> {
  return new Promise((resolve) => {
    const username = h("input", { attrs: { name: "username", autocomplete: "username", required: true, autofocus: true } });
    const password = h("input", { attrs: { name: "password", type: "password", autocomplete: "current-password", required: true } });
    const error = h("div", { class: "login-error", attrs: { role: "alert", "aria-live": "assertive" } });
    const submit = h("button", { class: "btn primary", attrs: { type: "submit" } }, t("login.submit"));
    const form = h(
      "form",
      {
        class: "login-form",
        on: {
          submit: async (e) => {
            e.preventDefault();
            error.textContent = "";
            submit.disabled = true;
            try {
              const res = await api.post("/api/v1/auth/login", loginResponseSchema, { username: username.value.trim(), password: password.value });
              resolve(res);
            } catch (err) {
              error.textContent = err instanceof ApiError && (err.status === 401 || err.status === 400) ? t("login.invalid") : `${t("login.failed")}: ${(err as Error).message}`;
              password.select();
            } finally {
              submit.disabled = false;
            }
          },
        },
      },
      h("div", { class: "brand big" }, "VIGIL"),
      h("p", { class: "muted" }, t("app.tagline")),
      h("label", { class: "field" }, h("span", null, t("login.username")), username),
      h("label", { class: "field" }, h("span", null, t("login.password")), password),
      submit,
      error,
      h("div", { class: "login-lang" }, languageSwitch()),
    );
    root.replaceChildren(h("main", { class: "login-screen" }, form));
    username.focus();
  });
}

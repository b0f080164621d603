import { getLang, LANGS, setLang, t } from "../i18n/index.js";
import { h } from "../ui/dom.js";

/** VI | EN. Switching reloads: every view is built from the dictionary once, so a reload is the simplest correct redraw. */
export function languageSwitch(): HTMLElement {
  return h(
    "div",
    { class: "lang-switch", attrs: { role: "group", "aria-label": t("app.language") } },
    ...LANGS.map((lang) =>
      h(
        "button",
        {
          class: `chip${getLang() === lang ? " on" : ""}`,
          attrs: { type: "button", "data-lang": lang, "aria-pressed": getLang() === lang ? "true" : "false" },
          on: {
            click: () => {
              if (getLang() === lang) return;
              setLang(lang);
              window.location.reload();
            },
          },
        },
        lang.toUpperCase(),
      ),
    ),
  );
}

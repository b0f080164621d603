import { en } from "./en.js";
import { vi, type Dict } from "./vi.js";
import { safeStorage } from "../ui/storage.js";

export type Lang = "vi" | "en";
export type MessageKey = keyof Dict;
export type { Dict };

export const dictionaries: Record<Lang, Dict> = { vi, en };
export const LANGS: readonly Lang[] = ["vi", "en"];

const STORAGE_KEY = "vigil.lang";
let current: Lang = "vi";

/** Vietnamese unless the operator switched to English on this machine. */
export function initLang(storage: Pick<Storage, "getItem"> | null = safeStorage()): Lang {
  const saved = storage?.getItem(STORAGE_KEY);
  current = saved === "en" || saved === "vi" ? saved : "vi";
  return current;
}

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang, storage: Pick<Storage, "setItem"> | null = safeStorage()): void {
  current = lang;
  storage?.setItem(STORAGE_KEY, lang);
}

/** The message for `key` in the current language, with `{name}` placeholders filled from `vars`. */
export function t(key: MessageKey, vars?: Record<string, string | number>, lang: Lang = current): string {
  return interpolate(dictionaries[lang][key], vars);
}

export function interpolate(template: string, vars?: Record<string, string | number>): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** The `{name}` placeholders a message uses; both languages must use the same set. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "").sort();
}

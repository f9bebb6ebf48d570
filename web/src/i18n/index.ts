// The i18n layer: i18next with one JSON file per language and area (src/locales/<lang>/<ns>.json),
// loaded on demand, so a user downloads only their own language. English is the source and
// the fallback for a key another language lacks.
import i18next, { type i18n as I18n } from "i18next";
import { initReactI18next } from "react-i18next";

export const locales = ["en", "es", "fr", "de", "zh-CN", "zh-TW"] as const;
export type AppLocale = (typeof locales)[number];

/** Each language's name in itself, for the language menu. */
export const localeNames: Record<AppLocale, string> = {
  en: "English",
  es: "Español",
  fr: "Français",
  de: "Deutsch",
  "zh-CN": "简体中文",
  "zh-TW": "繁體中文",
};

export const namespaces = ["common", "auth", "logbook", "repertoire", "goals", "scores", "dictionary", "analytics", "settings", "ops"] as const;

const bundles = import.meta.glob<{ default: Record<string, unknown> }>("../locales/*/*.json");

/** matchLocale maps a browser language tag (zh-Hant-HK, es-419, de-AT…) to ours, or undefined. */
export function matchLocale(tag: string | undefined | null): AppLocale | undefined {
  if (!tag) return undefined;
  const t = tag.toLowerCase();
  if (t.startsWith("zh")) {
    return /hant|tw|hk|mo/.test(t) ? "zh-TW" : "zh-CN";
  }
  const base = t.split("-")[0];
  return (locales as readonly string[]).includes(base) ? (base as AppLocale) : undefined;
}

const storageKey = "mirubato.locale";

/** detectLocale: the user's last choice on this device, else the browser's languages, else English. */
export function detectLocale(stored = safeStorage()?.getItem(storageKey), preferred: readonly string[] = globalThis.navigator?.languages ?? []): AppLocale {
  const mine = matchLocale(stored);
  if (mine) return mine;
  for (const tag of preferred) {
    const l = matchLocale(tag);
    if (l) return l;
  }
  return "en";
}

function safeStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

async function loadLanguage(i18n: I18n, lng: AppLocale): Promise<void> {
  await Promise.all(
    namespaces.map(async (ns) => {
      const load = bundles[`../locales/${lng}/${ns}.json`];
      if (!load || i18n.hasResourceBundle(lng, ns)) return;
      const mod = await load();
      i18n.addResourceBundle(lng, ns, mod.default, true, true);
    }),
  );
}

/** createI18n makes an i18next instance with lng (and English) loaded. */
export async function createI18n(lng: AppLocale, react = true): Promise<I18n> {
  const i18n = i18next.createInstance();
  if (react) i18n.use(initReactI18next);
  await i18n.init({
    lng,
    fallbackLng: "en",
    ns: [...namespaces],
    defaultNS: "common",
    resources: {},
    partialBundledLanguages: true,
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
  });
  await loadLanguage(i18n, "en");
  if (lng !== "en") await loadLanguage(i18n, lng);
  globalThis.document?.documentElement?.setAttribute("lang", lng);
  return i18n;
}

/** setLocale switches the interface's language and remembers the choice on this device. */
export async function setLocale(i18n: I18n, lng: AppLocale): Promise<void> {
  await loadLanguage(i18n, lng);
  await i18n.changeLanguage(lng);
  safeStorage()?.setItem(storageKey, lng);
  globalThis.document?.documentElement?.setAttribute("lang", lng);
}

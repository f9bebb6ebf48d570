import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createI18n, detectLocale, locales, matchLocale, namespaces } from "./index";

const dir = join(import.meta.dirname, "..", "locales");
type Tree = { [k: string]: string | Tree };
const load = (lng: string, ns: string): Tree => JSON.parse(readFileSync(join(dir, lng, ns + ".json"), "utf8"));

function flatten(t: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    if (typeof v === "string") out.set(prefix + k, v);
    else for (const [k2, v2] of flatten(v, prefix + k + ".")) out.set(k2, v2);
  }
  return out;
}

const vars = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
// Plural keys differ by language (Chinese has only _other; others _one and _other).
const base = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, "");

describe("translations", () => {
  it("has a file per language and area", () => {
    for (const lng of locales) {
      const files = readdirSync(join(dir, lng)).sort();
      expect(files, lng).toEqual([...namespaces].map((ns) => ns + ".json").sort());
    }
  });

  for (const ns of namespaces) {
    it(`${ns}: every language has every English string, with the same placeholders`, () => {
      const en = flatten(load("en", ns));
      expect(en.size, "English is complete").toBeGreaterThan(0);
      const enBases = new Map<string, string>();
      for (const [k, v] of en) enBases.set(base(k), v);
      for (const lng of locales.filter((l) => l !== "en")) {
        const other = flatten(load(lng, ns));
        const otherBases = new Map<string, string>();
        for (const [k, v] of other) otherBases.set(base(k), v);
        for (const [k, v] of enBases) {
          expect(otherBases.has(k), `${lng}/${ns}: ${k} is missing`).toBe(true);
          const theirs = otherBases.get(k)!;
          expect(theirs.trim(), `${lng}/${ns}: ${k} is empty`).not.toBe("");
          expect(vars(theirs), `${lng}/${ns}: ${k} placeholders`).toEqual(vars(v).filter((x) => x !== "count" || vars(theirs).includes("count")));
        }
        for (const k of otherBases.keys()) expect(enBases.has(k), `${lng}/${ns}: ${k} is not an English key`).toBe(true);
      }
    });
  }
});

describe("language detection", () => {
  it("maps browser tags to the six languages", () => {
    expect(matchLocale("es-419")).toBe("es");
    expect(matchLocale("de-AT")).toBe("de");
    expect(matchLocale("zh-Hant-HK")).toBe("zh-TW");
    expect(matchLocale("zh-TW")).toBe("zh-TW");
    expect(matchLocale("zh")).toBe("zh-CN");
    expect(matchLocale("zh-Hans-CN")).toBe("zh-CN");
    expect(matchLocale("ja")).toBeUndefined();
  });

  it("prefers the device's choice, then the browser's first known language, then English", () => {
    expect(detectLocale("fr", ["de"])).toBe("fr");
    expect(detectLocale(null, ["ja", "pt-BR", "de-CH", "fr"])).toBe("de");
    expect(detectLocale(undefined, ["ja"])).toBe("en");
  });
});

describe("the i18n layer", () => {
  it("translates with plurals and interpolation, and falls back to English", async () => {
    const i18n = await createI18n("fr", false);
    expect(i18n.t("common:nav.logbook")).not.toBe("nav.logbook");
    expect(i18n.t("logbook:summary", { count: 1, duration: "5 min" })).toContain("5 min");
    const en = await createI18n("en", false);
    expect(en.t("logbook:summary", { count: 1, duration: "5 min" })).toBe("1 entry · 5 min");
    expect(en.t("logbook:summary", { count: 3, duration: "1 h" })).toBe("3 entries · 1 h");
    expect(en.t("common:no.such.key")).toBe("no.such.key");
    const zh = await createI18n("zh-TW", false);
    expect(zh.t("common:nav.settings")).not.toBe(en.t("common:nav.settings"));
  });
});

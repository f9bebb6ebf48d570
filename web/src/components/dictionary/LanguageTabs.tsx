// A term's languages as tabs (WAI-ARIA tabs: arrow keys, Home and End move between them).
import { useRef, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { localeNames, locales, type AppLocale } from "../../i18n";

export type LangState = "present" | "missing" | "writing" | "unknown";

interface Props {
  current: AppLocale;
  states: Record<AppLocale, LangState>;
  panelId: string;
  onSelect: (lang: AppLocale) => void;
}

export const tabId = (lang: AppLocale) => `dict-tab-${lang}`;

export function LanguageTabs({ current, states, panelId, onSelect }: Props) {
  const { t } = useTranslation("dictionary");
  const refs = useRef<Partial<Record<AppLocale, HTMLButtonElement | null>>>({});

  const onKeyDown = (e: KeyboardEvent) => {
    const i = locales.indexOf(current);
    const to =
      e.key === "ArrowRight" ? (i + 1) % locales.length
      : e.key === "ArrowLeft" ? (i - 1 + locales.length) % locales.length
      : e.key === "Home" ? 0
      : e.key === "End" ? locales.length - 1
      : -1;
    if (to < 0) return;
    e.preventDefault();
    const lang = locales[to];
    onSelect(lang);
    refs.current[lang]?.focus();
  };

  return (
    <div className="dict-tabs" role="tablist" aria-label={t("term.languages")} onKeyDown={onKeyDown}>
      {locales.map((l) => {
        const state = states[l];
        return (
          <button
            key={l}
            ref={(el) => {
              refs.current[l] = el;
            }}
            id={tabId(l)}
            type="button"
            role="tab"
            aria-selected={l === current}
            aria-controls={panelId}
            tabIndex={l === current ? 0 : -1}
            className={`dict-tab dict-tab-${state}`}
            onClick={() => onSelect(l)}
          >
            <span lang={l}>{localeNames[l]}</span>
            {state === "writing" ? <span className="spinner" aria-hidden="true" /> : null}
            {state === "missing" || state === "writing" ? <span className="visually-hidden">({t(`term.state.${state}`)})</span> : null}
          </button>
        );
      })}
    </div>
  );
}

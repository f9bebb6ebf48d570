// The dictionary's search form: words, language and mode. The words are searched when the
// form is sent; a change of language or mode applies at once.
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { localeNames, locales, type AppLocale } from "../../i18n";
import { Button, Field, Select } from "../ui";
import { searchModes, type SearchMode } from "./types";

interface Props {
  q: string;
  lang: AppLocale;
  mode: SearchMode;
  onChange: (next: { q: string; lang: AppLocale; mode: SearchMode }) => void;
}

export function SearchForm({ q, lang, mode, onChange }: Props) {
  const { t } = useTranslation("dictionary");
  const [draft, setDraft] = useState(q);
  const [shown, setShown] = useState(q);
  // The words follow the address (back and forward) unless they are being edited.
  if (q !== shown) {
    setShown(q);
    setDraft(q);
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onChange({ q: draft.trim(), lang, mode });
  };

  return (
    <form className="dict-search" role="search" onSubmit={submit}>
      <Field
        className="dict-search-q"
        label={t("search.label")}
        type="search"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        placeholder={t("search.placeholder")}
        maxLength={500}
        autoComplete="off"
        spellCheck={false}
      />
      <Select label={t("language")} value={lang} onChange={(e) => onChange({ q: draft.trim(), lang: e.target.value as AppLocale, mode })}>
        {locales.map((l) => (
          <option key={l} value={l} lang={l}>
            {localeNames[l]}
          </option>
        ))}
      </Select>
      <Select
        label={t("search.mode")}
        value={mode}
        onChange={(e) => onChange({ q: draft.trim(), lang, mode: e.target.value as SearchMode })}
        aria-describedby="dict-mode-hint"
      >
        {searchModes.map((m) => (
          <option key={m} value={m}>
            {t(`search.modes.${m}`)}
          </option>
        ))}
      </Select>
      <Button type="submit" variant="primary">
        {t("common:search")}
      </Button>
      <p id="dict-mode-hint" className="field-hint dict-search-hint">
        {t(`search.modeHints.${mode}`)}
      </p>
    </form>
  );
}

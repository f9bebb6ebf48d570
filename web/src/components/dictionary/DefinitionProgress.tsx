// A definition being written: its job is followed every 2 s until it is done; then the page
// is told, which reads the new entry.
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { localeNames, type AppLocale } from "../../i18n";
import { isFinished, useDefinitionJob } from "./api";
import type { DefinitionRequest } from "./types";

interface Props {
  lang: AppLocale;
  job: DefinitionRequest;
  onDone: (lang: AppLocale, ok: boolean) => void;
}

export function DefinitionProgress({ lang, job, onDone }: Props) {
  const { t } = useTranslation("dictionary");
  const status = useDefinitionJob(job);
  const state = status.data.state;
  const finished = isFinished(state);
  const ok = state === "completed";

  useEffect(() => {
    if (finished) onDone(lang, ok);
  }, [finished, ok, lang, onDone]);

  if (finished && !ok) {
    const errors = status.data.errors ?? [];
    return (
      <li className="dict-job dict-job-failed">
        <span>
          <strong lang={lang}>{localeNames[lang]}</strong>: {t("writing.failed")}
          {errors.length ? <span className="muted small"> {errors[errors.length - 1]}</span> : null}
        </span>
      </li>
    );
  }
  return (
    <li className="dict-job">
      <span className="spinner" aria-hidden="true" />
      <span>
        <strong lang={lang}>{localeNames[lang]}</strong>: {ok ? t("writing.done") : t(`writing.states.${state}`, { defaultValue: t("writing.inProgress") })}
      </span>
    </li>
  );
}

// A term's page: its entry in each of the dictionary's languages (tabs), with the languages
// it lacks written on request (a job: 202, followed until done), feedback and reports.
import { useCallback, useEffect, useRef, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { locales, type AppLocale } from "../i18n";
import { Button, ErrorBanner, PageHeader, Spinner } from "../components/ui";
import {
  asDictionaryLang,
  dictionaryKeys,
  isNotFound,
  languageName,
  requestDefinition,
  requestMissing,
  trackView,
  useTermEntry,
  useTranslations,
} from "../components/dictionary/api";
import { LanguageTabs, tabId, type LangState } from "../components/dictionary/LanguageTabs";
import { DefinitionProgress } from "../components/dictionary/DefinitionProgress";
import { EntryView } from "../components/dictionary/EntryView";
import { FeedbackBar } from "../components/dictionary/Feedback";
import type { DefinitionRequest } from "../components/dictionary/types";

type Jobs = Partial<Record<AppLocale, { job: DefinitionRequest; failed?: boolean }>>;

const panelId = "dict-panel";

function TermView({ term }: { term: string }) {
  const { t, i18n } = useTranslation("dictionary");
  const [params, setParams] = useSearchParams();
  const lang = asDictionaryLang(params.get("lang")) ?? asDictionaryLang(i18n.language) ?? "en";
  const qc = useQueryClient();
  const entry = useTermEntry(term, lang);
  const translations = useTranslations(term);
  const [jobs, setJobs] = useState<Jobs>({});

  const addJob = useCallback((l: AppLocale, job: DefinitionRequest) => setJobs((j) => ({ ...j, [l]: { job } })), []);

  const refresh = useCallback(
    (l?: AppLocale) =>
      Promise.all([
        qc.invalidateQueries({ queryKey: dictionaryKeys.term(term, l) }),
        qc.invalidateQueries({ queryKey: dictionaryKeys.translations(term) }),
      ]),
    [qc, term],
  );

  // A finished job: its entry is read (the job stays listed until it is), or it is marked failed.
  const onDone = useCallback(
    (l: AppLocale, ok: boolean) => {
      if (!ok) {
        setJobs((j) => {
          const it = j[l];
          return it && !it.failed ? { ...j, [l]: { ...it, failed: true } } : j;
        });
        return;
      }
      void refresh(l).then(() =>
        setJobs((j) => {
          const rest = { ...j };
          delete rest[l];
          return rest;
        }),
      );
    },
    [refresh],
  );

  const write = useMutation({
    mutationFn: (l: AppLocale) => requestDefinition(term, l),
    onSuccess: (res, l) => {
      if (res.job) addJob(l, res.job);
      else {
        qc.setQueryData(dictionaryKeys.term(term, l), res.entry);
        void refresh();
      }
    },
  });

  const askMissing = useMutation({
    mutationFn: () => requestMissing(term),
    onSuccess: (res) => {
      for (const r of res.requests ?? []) {
        if (r.request) addJob(r.lang, r.request);
      }
      void refresh();
    },
  });

  // Each entry shown is counted once.
  const tracked = useRef(new Set<string>());
  const entryId = entry.data?.id;
  useEffect(() => {
    if (entryId && !tracked.current.has(entryId)) {
      tracked.current.add(entryId);
      trackView(entryId);
    }
  }, [entryId]);

  const writing = (l: AppLocale) => !!jobs[l] && !jobs[l]?.failed;
  const states = Object.fromEntries(
    locales.map((l): [AppLocale, LangState] => [
      l,
      writing(l) ? "writing" : translations.data ? (translations.data.missing.includes(l) ? "missing" : "present") : "unknown",
    ]),
  ) as Record<AppLocale, LangState>;
  const missing = locales.filter((l) => states[l] === "missing");
  const jobList = locales.flatMap((l) => {
    const it = jobs[l];
    return it ? [{ lang: l, job: it.job }] : [];
  });
  const headword = entry.data?.term ?? translations.data?.term ?? term;

  return (
    <>
      <PageHeader
        title={headword}
        actions={
          <Link className="btn btn-ghost" to={`/dictionary?lang=${lang}`}>
            ← {t("term.back")}
          </Link>
        }
      >
        <p className="muted">{t("term.subtitle")}</p>
      </PageHeader>

      <LanguageTabs current={lang} states={states} panelId={panelId} onSelect={(l) => setParams({ lang: l }, { replace: true })} />

      {missing.length ? (
        <div className="dict-missing row small">
          <span className="muted">{t("term.missing", { languages: missing.map((l) => languageName(l, i18n.language)).join(", ") })}</span>
          <Button type="button" className="btn-small" busy={askMissing.isPending} onClick={() => askMissing.mutate()}>
            {t("term.askMissing", { count: missing.length })}
          </Button>
        </div>
      ) : null}
      <ErrorBanner error={askMissing.error ?? translations.error} />

      {jobList.length ? (
        <section className="card dict-jobs" aria-labelledby="dict-jobs-title">
          <h2 id="dict-jobs-title" className="small">
            {t("writing.title")}
          </h2>
          <ul className="list" aria-live="polite">
            {jobList.map(({ lang: l, job }) => (
              <DefinitionProgress key={job.job_id} lang={l} job={job} onDone={onDone} />
            ))}
          </ul>
        </section>
      ) : null}

      <div role="tabpanel" id={panelId} aria-labelledby={tabId(lang)} className="card dict-panel">
        {entry.isPending ? (
          <Spinner />
        ) : entry.error ? (
          isNotFound(entry.error) ? (
            <div className="stack dict-absent">
              <p>{t("term.notFound", { term: headword, language: languageName(lang, i18n.language) })}</p>
              {writing(lang) ? (
                <p className="muted" role="status">
                  {t("term.beingWritten", { language: languageName(lang, i18n.language) })}
                </p>
              ) : (
                <div className="row">
                  <Button type="button" variant="primary" busy={write.isPending} onClick={() => write.mutate(lang)}>
                    {jobs[lang]?.failed ? t("term.tryAgain") : t("term.write")}
                  </Button>
                  <span className="muted small">{t("term.writeHint")}</span>
                </div>
              )}
              <ErrorBanner error={write.error} />
            </div>
          ) : (
            <div className="stack">
              <ErrorBanner error={entry.error} />
              <div>
                <Button type="button" onClick={() => void entry.refetch()}>
                  {t("common:retry")}
                </Button>
              </div>
            </div>
          )
        ) : (
          <>
            <EntryView entry={entry.data} />
            <FeedbackBar key={entry.data.id} entry={entry.data} />
          </>
        )}
      </div>
    </>
  );
}

export default function TermPage() {
  const { term = "" } = useParams();
  // Another term (a related term's link) starts afresh.
  return <TermView key={term} term={term} />;
}

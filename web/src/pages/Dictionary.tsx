// The dictionary: search (hybrid, lexical or semantic) in any of its languages, "describe it"
// (search by meaning), and the terms readers use most when nothing is searched.
import { Link, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import type { AppLocale } from "../i18n";
import { Card, Empty, ErrorBanner, PageHeader, Spinner } from "../components/ui";
import { asDictionaryLang, languageName, termHref, useTermSearch } from "../components/dictionary/api";
import { SearchForm } from "../components/dictionary/SearchForm";
import { HitList } from "../components/dictionary/HitList";
import { DescribeForm } from "../components/dictionary/DescribeForm";
import { PopularTerms } from "../components/dictionary/PopularTerms";
import { searchModes, type SearchMode } from "../components/dictionary/types";

function SearchResults({ q, lang, mode }: { q: string; lang: AppLocale; mode: SearchMode }) {
  const { t, i18n } = useTranslation("dictionary");
  const search = useTermSearch(q, lang, mode);
  const language = languageName(lang, i18n.language);
  if (search.isPending) return <Spinner label={t("search.searching")} />;
  if (search.error) return <ErrorBanner error={search.error} />;
  const { hits } = search.data;
  const exact = hits.some((h) => h.term.toLocaleLowerCase() === q.toLocaleLowerCase());
  return (
    <div className="stack">
      <p className="muted small" role="status">
        {t("search.count", { count: hits.length, query: q, language })}
      </p>
      {hits.length ? <HitList hits={hits} label={t("search.results")} /> : <Empty>{t("search.none", { query: q })}</Empty>}
      {!exact ? (
        <p className="small">
          <Link to={termHref(q, lang)}>{t("search.lookUp", { query: q, language })}</Link>
        </p>
      ) : null}
    </div>
  );
}

export default function DictionaryPage() {
  const { t, i18n } = useTranslation("dictionary");
  const [params, setParams] = useSearchParams();
  const q = params.get("q")?.trim() ?? "";
  const lang = asDictionaryLang(params.get("lang")) ?? asDictionaryLang(i18n.language) ?? "en";
  const modeParam = params.get("mode") as SearchMode | null;
  const mode: SearchMode = modeParam && searchModes.includes(modeParam) ? modeParam : "hybrid";

  const change = (next: { q: string; lang: AppLocale; mode: SearchMode }) => {
    const p = new URLSearchParams();
    if (next.q) p.set("q", next.q);
    p.set("lang", next.lang);
    if (next.mode !== "hybrid") p.set("mode", next.mode);
    setParams(p, { replace: next.q === q });
  };

  return (
    <>
      <PageHeader title={t("title")}>
        <p className="muted">{t("intro")}</p>
      </PageHeader>
      <Card title={t("search.title")}>
        <SearchForm q={q} lang={lang} mode={mode} onChange={change} />
        {q ? <SearchResults q={q} lang={lang} mode={mode} /> : null}
      </Card>
      <div className="grid-2 dict-more">
        <DescribeForm lang={lang} />
        {q ? null : <PopularTerms lang={lang} />}
      </div>
    </>
  );
}

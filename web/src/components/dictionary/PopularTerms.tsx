// The entries readers used most lately, in a language.
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { formatNumber } from "../../i18n/format";
import type { AppLocale } from "../../i18n";
import { Card, Empty, ErrorBanner, Spinner } from "../ui";
import { languageName, termHref, usePopularTerms } from "./api";
import { TypeBadge } from "./HitList";

export function PopularTerms({ lang }: { lang: AppLocale }) {
  const { t, i18n } = useTranslation("dictionary");
  const popular = usePopularTerms(lang);
  return (
    <Card title={t("popular.title")}>
      <p className="muted small">{t("popular.intro", { language: languageName(lang, i18n.language), days: popular.data?.days ?? 30 })}</p>
      {popular.isPending ? (
        <Spinner />
      ) : popular.error ? (
        <ErrorBanner error={popular.error} />
      ) : popular.data.terms.length === 0 ? (
        <Empty>{t("popular.none")}</Empty>
      ) : (
        <ol className="list dict-popular" aria-label={t("popular.title")}>
          {popular.data.terms.map((p) => (
            <li key={p.entry_id} className="list-item">
              <div className="dict-hit">
                <Link to={termHref(p.term, p.lang)} lang={p.lang}>
                  {p.term}
                </Link>
                <span className="muted small">{t("popular.uses", { count: p.uses, formatted: formatNumber(p.uses, i18n.language, 0) })}</span>
              </div>
              <TypeBadge type={p.type} />
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}

// One dictionary entry: the definition with its pronunciation, etymology, example, related
// terms and references, and what is known of its quality.
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { useSession } from "../../auth/session";
import { formatDate, formatPercent } from "../../i18n/format";
import { Badge } from "../ui";
import { languageName, termHref } from "./api";
import { TypeBadge } from "./HitList";
import type { DictionaryEntry } from "./types";

function qualityTone(score: number): "good" | "warn" | "bad" {
  return score >= 0.7 ? "good" : score >= 0.4 ? "warn" : "bad";
}

export function EntryView({ entry }: { entry: DictionaryEntry }) {
  const { t, i18n } = useTranslation("dictionary");
  const timeZone = useSession((s) => s.user?.timezone);
  const locale = i18n.language;
  const d = entry.definition;
  const related = d.related ?? [];
  const references = d.references ?? [];
  const issues = entry.quality_issues ?? [];
  const { ipa, syllables } = d.pronunciation ?? { ipa: "", syllables: "" };

  return (
    <article className="dict-entry stack" aria-labelledby="dict-entry-term">
      <header className="dict-entry-head">
        <h2 id="dict-entry-term" lang={entry.lang}>
          {entry.term}
          {d.translation && d.translation !== entry.term ? <span className="dict-translation"> · {d.translation}</span> : null}
        </h2>
        {ipa || syllables ? (
          <p className="dict-pron">
            <span className="visually-hidden">{t("entry.pronunciation")}: </span>
            {ipa ? <span className="dict-ipa">{ipa}</span> : null}
            {syllables ? <span className="muted">{syllables}</span> : null}
          </p>
        ) : null}
        <div className="row">
          <TypeBadge type={entry.type} />
          {entry.source_lang ? <Badge>{t("entry.from", { language: languageName(entry.source_lang, locale) })}</Badge> : null}
          {entry.status === "review" ? <Badge tone="warn">{t("entry.inReview")}</Badge> : null}
        </div>
      </header>

      <p className="dict-concise" lang={entry.lang}>
        {d.concise}
      </p>
      {d.detailed ? <p lang={entry.lang}>{d.detailed}</p> : null}

      <dl className="dict-facts">
        {d.etymology ? (
          <div>
            <dt>{t("entry.etymology")}</dt>
            <dd lang={entry.lang}>{d.etymology}</dd>
          </div>
        ) : null}
        {d.example ? (
          <div>
            <dt>{t("entry.example")}</dt>
            <dd>
              <blockquote className="dict-example" lang={entry.lang}>
                {d.example}
              </blockquote>
            </dd>
          </div>
        ) : null}
        {related.length ? (
          <div>
            <dt>{t("entry.related")}</dt>
            <dd>
              <ul className="dict-related">
                {related.map((r) => (
                  <li key={r}>
                    <Link to={termHref(r, entry.lang)} className="tag" lang={entry.lang}>
                      {r}
                    </Link>
                  </li>
                ))}
              </ul>
            </dd>
          </div>
        ) : null}
        {references.length ? (
          <div>
            <dt>{t("entry.references")}</dt>
            <dd>
              <ul className="dict-references">
                {references.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </dd>
          </div>
        ) : null}
      </dl>

      <footer className="dict-entry-foot small muted">
        <div className="row">
          {entry.quality_score !== null ? (
            <Badge tone={qualityTone(entry.quality_score)}>{t("entry.quality", { score: formatPercent(entry.quality_score, locale) })}</Badge>
          ) : null}
          <span>{t(`entry.origins.${entry.origin}`, { defaultValue: entry.origin })}</span>
          <span aria-hidden="true">·</span>
          <span>{t("entry.version", { version: entry.version, date: formatDate(entry.updated_at, locale, timeZone) })}</span>
        </div>
        {issues.length ? (
          <details className="dict-issues">
            <summary>{t("entry.issues", { count: issues.length })}</summary>
            <ul>
              {issues.map((i) => (
                <li key={i}>{i}</li>
              ))}
            </ul>
          </details>
        ) : null}
      </footer>
    </article>
  );
}

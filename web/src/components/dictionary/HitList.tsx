// A list of dictionary hits (search, "describe it" and popular terms), each linking to its page.
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { Badge } from "../ui";
import { termHref } from "./api";
import type { TermHit } from "./types";

/** TypeBadge names a term's type in the interface's language. */
export function TypeBadge({ type }: { type: string }) {
  const { t } = useTranslation("dictionary");
  if (!type) return null;
  return <Badge tone="info">{t(`types.${type}`, { defaultValue: type })}</Badge>;
}

export function HitList({ hits, label }: { hits: TermHit[]; label: string }) {
  return (
    <ul className="list" aria-label={label}>
      {hits.map((h) => (
        <li key={h.entry_id} className="list-item">
          <div className="dict-hit">
            <h3>
              <Link to={termHref(h.term, h.lang)} lang={h.lang}>
                {h.term}
              </Link>
            </h3>
            {h.concise ? (
              <p className="muted small" lang={h.lang}>
                {h.concise}
              </p>
            ) : null}
          </div>
          <TypeBadge type={h.type} />
        </li>
      ))}
    </ul>
  );
}

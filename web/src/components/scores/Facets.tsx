// Facet counts of a search as filters: choosing a value filters by it, choosing it again
// takes the filter away.
import { useTranslation } from "react-i18next";
import { facetNames, type FacetName, type SearchResult } from "./types";

/** The search parameter each facet filters by. */
export const facetParam: Record<FacetName, string> = {
  composer: "composer",
  instrumentation: "instrument",
  period: "period",
  difficulty: "difficulty",
};

export function Facets({ facets, active, onToggle }: { facets: SearchResult["facets"]; active: Record<string, string>; onToggle: (param: string, value: string) => void }) {
  const { t } = useTranslation("scores");
  const groups = facetNames.filter((f) => (facets?.[f]?.length ?? 0) > 0);
  if (!groups.length) return null;
  return (
    <nav className="score-facets" aria-label={t("search.facets")}>
      {groups.map((f) => (
        <div key={f} role="group" aria-labelledby={`facet-${f}`} className="score-facet">
          <h3 id={`facet-${f}`} className="score-facet-title">
            {t(`facet.${f}`)}
          </h3>
          <ul className="score-facet-values">
            {facets?.[f]?.map((v) => {
              const on = active[facetParam[f]] === v.value;
              return (
                <li key={v.value}>
                  <button type="button" className={`score-facet-value${on ? " on" : ""}`} aria-pressed={on} onClick={() => onToggle(facetParam[f], v.value)}>
                    <span>{f === "difficulty" ? t("difficultyValue", { value: v.value }) : v.value}</span>
                    <span className="score-facet-count">{v.count}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
}

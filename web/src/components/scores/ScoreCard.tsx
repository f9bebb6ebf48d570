// A score in a grid: thumbnail, title, composer, status and the favourite toggle.
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { FavoriteButton } from "./FavoriteButton";
import { StatusBadge } from "./StatusBadge";
import { Thumbnail } from "./Thumbnail";
import { scoreTitle } from "./data";
import type { Score } from "./types";

export function ScoreCard({ score, mine }: { score: Score; mine: boolean }) {
  const { t } = useTranslation("scores");
  return (
    <li className="card score-card">
      <Link to={`/scores/${score.id}`} className="score-card-link">
        <Thumbnail score={score} />
        <h3 className="score-card-title">{scoreTitle(score)}</h3>
      </Link>
      <p className="muted small score-card-composer">{score.composer || t("unknownComposer")}</p>
      <div className="row score-card-foot">
        <StatusBadge status={score.status} />
        {mine && score.visibility !== "private" ? <span className="badge">{t(`visibility.${score.visibility}`)}</span> : null}
        <span className="score-card-spacer" />
        <FavoriteButton score={score} />
      </div>
    </li>
  );
}

export function ScoreGrid({ scores, userId }: { scores: Score[]; userId?: string }) {
  return (
    <ul className="score-grid">
      {scores.map((s) => (
        <ScoreCard key={s.id} score={s} mine={s.owner_id === userId} />
      ))}
    </ul>
  );
}

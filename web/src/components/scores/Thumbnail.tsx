// A score's first page, small; a plain placeholder until the pipeline has made it (or when
// it cannot be loaded).
import { useState } from "react";
import type { Score } from "./types";

export function Thumbnail({ score, size = "card" }: { score: Pick<Score, "id" | "status" | "version">; size?: "card" | "row" }) {
  const [failed, setFailed] = useState(false);
  const show = score.status === "ready" && !failed;
  return (
    <div className={`score-thumb score-thumb-${size}`} aria-hidden="true">
      {show ? (
        <img src={`/api/scores/${score.id}/thumbnail.png`} alt="" loading="lazy" decoding="async" onError={() => setFailed(true)} />
      ) : (
        <span className="score-thumb-placeholder">
          <svg viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
            <path d="M12 3v10.55A4 4 0 1 0 14 17V7h4V3h-6z" />
          </svg>
        </span>
      )}
    </div>
  );
}

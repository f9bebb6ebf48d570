// The favourite toggle of a score: a star that says whether it is pressed.
import { useTranslation } from "react-i18next";
import { useToasts, errorText } from "../ui";
import { useFavoriteToggle, useFavorites, scoreTitle } from "./data";
import type { Score } from "./types";

export function FavoriteButton({ score, withText }: { score: Score; withText?: boolean }) {
  const { t } = useTranslation(["scores", "common"]);
  const favorites = useFavorites();
  const toggle = useFavoriteToggle();
  const push = useToasts((s) => s.push);
  const on = favorites.data?.scores.some((s) => s.id === score.id) ?? false;
  const label = on ? t("favorite.remove", { title: scoreTitle(score) }) : t("favorite.add", { title: scoreTitle(score) });
  return (
    <button
      type="button"
      className={`btn ${withText ? "btn-secondary" : "btn-ghost btn-small"} score-fav${on ? " on" : ""}`}
      aria-pressed={on}
      aria-label={withText ? undefined : label}
      title={label}
      disabled={favorites.isPending}
      onClick={() =>
        toggle.mutate({ score, on: !on }, { onError: (err) => push(errorText(err, (k) => t(k, { ns: "common" })), "error") })
      }
    >
      <span aria-hidden="true">{on ? "★" : "☆"}</span>
      {withText ? (on ? t("favorite.on") : t("favorite.off")) : null}
    </button>
  );
}

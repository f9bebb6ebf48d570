// One goal in the list: its progress towards the target, its due date, and its actions.
// Recording progress needs the server; offline (or before the goal first reached the server)
// the button is disabled and says why.
import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { Goal } from "../../api/types";
import { formatDate, formatNumber, formatPercent } from "../../i18n/format";
import { Badge, Button, Progress } from "../ui";

interface Props {
  goal: Goal;
  online: boolean;
  today: string;
  onProgress: () => void;
  onEdit: () => void;
  onDelete: () => void;
}

/** A calendar day (YYYY-MM-DD) shown as that same day, whatever the timezone. */
const day = (d: string, locale: string) => formatDate(d + "T00:00:00Z", locale, "UTC");

export function GoalItem({ goal, online, today, onProgress, onEdit, onDelete }: Props) {
  const { t, i18n } = useTranslation("goals");
  const whyId = useId();
  const lng = i18n.language;
  const share = goal.target_value > 0 ? goal.current_value / goal.target_value : 0;
  const overdue = goal.status === "active" && goal.due_date !== null && goal.due_date < today;
  const synced = goal.version > 0;
  const why = !online ? t("progressOffline") : !synced ? t("progressNotSynced") : "";

  return (
    <li className="list-item goal-item" data-testid="goal-item" data-id={goal.id} data-status={goal.status}>
      <div className="goal-main">
        <h3>{goal.title}</h3>
        <p className="row small goal-badges">
          <Badge tone="info">{t(`type.${goal.type}`)}</Badge>
          {overdue ? <Badge tone="bad">{t("overdue")}</Badge> : null}
          {goal.due_date ? <span className="muted">{t("due", { date: day(goal.due_date, lng) })}</span> : null}
        </p>
        {goal.description ? <p className="muted small goal-description">{goal.description}</p> : null}
        <Progress value={share} label={t("progressLabel", { title: goal.title })} />
        <p className="small goal-value" data-testid="goal-value">
          {t("value", {
            current: formatNumber(goal.current_value, lng, 2),
            target: formatNumber(goal.target_value, lng, 2),
            unit: goal.unit,
          })}{" "}
          <span className="muted">({formatPercent(share, lng)})</span>
        </p>
        {why && goal.status !== "abandoned" ? (
          // Offline, the page says it once for every goal; a goal not yet synced says it here.
          <p id={whyId} className={online ? "muted small" : "visually-hidden"}>
            {why}
          </p>
        ) : null}
      </div>
      <div className="row goal-actions">
        {goal.status !== "abandoned" ? (
          <Button
            className="btn-small"
            onClick={onProgress}
            disabled={why !== ""}
            aria-describedby={why ? whyId : undefined}
            data-testid="goal-record-progress"
          >
            {t("recordProgress")}
          </Button>
        ) : null}
        <Button className="btn-small" variant="ghost" onClick={onEdit} aria-label={t("editGoal", { title: goal.title })}>
          {t("common:edit")}
        </Button>
        <Button className="btn-small" variant="ghost" onClick={onDelete} aria-label={t("deleteGoal", { title: goal.title })}>
          {t("common:delete")}
        </Button>
      </div>
    </li>
  );
}

// One piece on the board: what it is, how far its tempo has come, and the controls that move
// it to another status (a select, so the keyboard can do what dragging does), edit or delete it.
import { useEffect, useId, useRef } from "react";
import { useTranslation } from "react-i18next";
import { repertoireStatuses, type RepertoireItem, type RepertoireStatus } from "../../api/types";
import { Badge, Button, Progress } from "../ui";

interface Props {
  item: RepertoireItem;
  /** focusMove: put the focus on the move control when mounted (it was just moved here). */
  focusMove: boolean;
  /** onMoved: the focus was put on the move control. */
  onMoved: () => void;
  onMove: (status: RepertoireStatus) => void;
  onOpen: () => void;
  onEdit: () => void;
  onDelete: () => void;
}

export function RepertoireCard({ item, focusMove, onMoved, onMove, onOpen, onEdit, onDelete }: Props) {
  const { t } = useTranslation("repertoire");
  const id = useId();
  const moveRef = useRef<HTMLSelectElement>(null);

  useEffect(() => {
    if (!focusMove) return;
    moveRef.current?.focus();
    onMoved();
  }, [focusMove, onMoved]);

  const { current_tempo: current, target_tempo: target } = item;
  const hasTempo = current != null || target != null;

  return (
    <li
      className="rep-card"
      draggable
      onDragStart={(e) => {
        e.dataTransfer.setData("text/plain", item.id);
        e.dataTransfer.effectAllowed = "move";
      }}
      data-testid="repertoire-card"
      data-id={item.id}
      data-status={item.status}
    >
      <h3 className="rep-card-title">
        <button type="button" className="rep-title-button" onClick={onOpen}>
          {item.title}
        </button>
      </h3>
      {item.composer ? <p className="muted small rep-card-composer">{item.composer}</p> : null}
      {item.difficulty != null || hasTempo ? (
        <p className="row small rep-card-facts">
          {item.difficulty != null ? <Badge tone="info">{t("difficultyValue", { value: item.difficulty })}</Badge> : null}
          {hasTempo ? <span>{t("tempoValue", { current: current ?? "–", target: target ?? "–" })}</span> : null}
        </p>
      ) : null}
      {current != null && target != null ? <Progress value={current / target} label={t("tempoProgress", { title: item.title })} /> : null}
      <div className="rep-card-actions">
        <label className="visually-hidden" htmlFor={id}>
          {t("moveLabel", { title: item.title })}
        </label>
        <select
          id={id}
          ref={moveRef}
          className="plain rep-move"
          value={item.status}
          onChange={(e) => onMove(e.target.value as RepertoireStatus)}
          data-testid="repertoire-move"
        >
          {repertoireStatuses.map((s) => (
            <option key={s} value={s}>
              {s === item.status ? t(`status.${s}`) : t("moveTo", { status: t(`status.${s}`) })}
            </option>
          ))}
        </select>
        <Button className="btn-small" variant="ghost" onClick={onEdit} aria-label={t("editItem", { title: item.title })}>
          {t("common:edit")}
        </Button>
        <Button className="btn-small" variant="ghost" onClick={onDelete} aria-label={t("deleteItem", { title: item.title })}>
          {t("common:delete")}
        </Button>
      </div>
    </li>
  );
}

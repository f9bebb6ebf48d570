// The form that creates or edits a goal. It checks what the server checks and hands the body
// to onSave; the goal's current value is kept as it is (progress is recorded on its own).
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { goalTypes, type Goal, type GoalType } from "../../api/types";
import { Button, Field, Select, TextArea } from "../ui";
import { draftOf, goalStatuses, limits, parseDraft, type Draft, type GoalBody, type GoalStatus, type Problems } from "./body";

interface Props {
  goal?: Goal;
  onSave: (body: GoalBody) => Promise<void>;
  onCancel: () => void;
}

export function GoalForm({ goal, onSave, onCancel }: Props) {
  const { t } = useTranslation("goals");
  const defaultUnit = (type: GoalType) => t(`defaultUnit.${type}`, { defaultValue: "" });
  const [draft, setDraft] = useState<Draft>(() => draftOf(goal, defaultUnit));
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const problem = (key: keyof Draft) => {
    const p = problems[key];
    return p ? t(p.key, p.values) : undefined;
  };

  // A new type brings its usual unit, unless one of the user's own was typed.
  const changeType = (type: GoalType) =>
    setDraft((d) => ({ ...d, type, unit: d.unit.trim() === "" || d.unit === defaultUnit(d.type) ? defaultUnit(type) : d.unit }));

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const { body, problems: found } = parseDraft(draft, goal?.current_value ?? 0);
    setProblems(found);
    if (!body) {
      const first = (Object.keys(found) as (keyof Draft)[])[0];
      e.currentTarget.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      return;
    }
    setBusy(true);
    try {
      await onSave(body);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form-grid" onSubmit={submit} noValidate data-testid="goal-form">
      <Field
        className="wide"
        name="title"
        label={t("fields.title")}
        value={draft.title}
        onChange={(e) => set("title", e.target.value)}
        error={problem("title")}
        maxLength={limits.title}
        required
        autoFocus
      />
      <TextArea
        className="wide"
        name="description"
        label={t("fields.description")}
        value={draft.description}
        onChange={(e) => set("description", e.target.value)}
        error={problem("description")}
        maxLength={limits.description}
        rows={3}
      />
      <Select name="type" label={t("fields.type")} value={draft.type} onChange={(e) => changeType(e.target.value as GoalType)} error={problem("type")}>
        {goalTypes.map((type) => (
          <option key={type} value={type}>
            {t(`type.${type}`)}
          </option>
        ))}
      </Select>
      <Select name="status" label={t("fields.status")} value={draft.status} onChange={(e) => set("status", e.target.value as GoalStatus)} error={problem("status")}>
        {goalStatuses.map((s) => (
          <option key={s} value={s}>
            {t(`status.${s}`)}
          </option>
        ))}
      </Select>
      <Field
        name="target_value"
        label={t("fields.target")}
        type="number"
        inputMode="decimal"
        min={0}
        max={limits.value}
        step="any"
        value={draft.target_value}
        onChange={(e) => set("target_value", e.target.value)}
        error={problem("target_value")}
        required
      />
      <Field
        name="unit"
        label={t("fields.unit")}
        hint={t("hints.unit")}
        value={draft.unit}
        onChange={(e) => set("unit", e.target.value)}
        error={problem("unit")}
        maxLength={limits.unit}
        autoComplete="off"
      />
      <Field
        name="due_date"
        label={t("fields.dueDate")}
        hint={t("hints.dueDate")}
        type="date"
        value={draft.due_date}
        onChange={(e) => set("due_date", e.target.value)}
        error={problem("due_date")}
      />
      {goal ? (
        <p className="wide muted small">
          {t("currentValueNote", { value: goal.current_value, unit: goal.unit })}
        </p>
      ) : null}
      <div className="wide row goal-form-actions">
        <Button type="button" onClick={onCancel}>
          {t("common:cancel")}
        </Button>
        <Button type="submit" variant="primary" busy={busy}>
          {goal ? t("common:save") : t("create")}
        </Button>
      </div>
    </form>
  );
}

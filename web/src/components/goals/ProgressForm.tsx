// Recording progress towards a goal: POST /api/goals/:id/progress {value, note}, which adds the
// value to the goal's current value on the server (and completes an active goal that reaches
// its target). It needs the server, so it is offered only online. The same step sent again
// (a retry after a dropped answer) carries the same Idempotency-Key, so it never counts twice.
import { useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import type { Goal } from "../../api/types";
import { formatNumber } from "../../i18n/format";
import { Button, ErrorBanner, Field } from "../ui";
import { limits } from "./body";
import { useOnline } from "./useOnline";

interface Props {
  goal: Goal;
  onDone: (updated: Goal) => void;
  onCancel: () => void;
}

export function ProgressForm({ goal, onDone, onCancel }: Props) {
  const { t, i18n } = useTranslation("goals");
  const online = useOnline();
  const [value, setValue] = useState("");
  const [note, setNote] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const sent = useRef<{ body: string; key: string } | null>(null);

  /** keyFor: the key of this step; a different step gets a new one. */
  const keyFor = (body: object) => {
    const json = JSON.stringify(body);
    if (sent.current?.body !== json) sent.current = { body: json, key: crypto.randomUUID() };
    return sent.current.key;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const n = Number(value.trim());
    if (value.trim() === "" || !Number.isFinite(n) || n === 0 || Math.abs(n) > limits.value) {
      setProblem(t("errors.progressValue", { max: limits.value }));
      return;
    }
    setProblem(undefined);
    setError(null);
    setBusy(true);
    try {
      const body = { value: n, note: note.trim() };
      const updated = await api<Goal>(`/api/goals/${goal.id}/progress`, {
        method: "POST",
        body,
        headers: { "Idempotency-Key": keyFor(body) },
      });
      onDone(updated);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const lng = i18n.language;
  return (
    <form className="form-grid" onSubmit={submit} noValidate data-testid="progress-form">
      <p className="wide muted">
        {t("progressNow", { current: formatNumber(goal.current_value, lng, 2), target: formatNumber(goal.target_value, lng, 2), unit: goal.unit })}
      </p>
      {!online ? (
        <p className="wide banner banner-info" role="status">
          {t("progressOffline")}
        </p>
      ) : null}
      <ErrorBanner error={error} />
      <Field
        name="value"
        label={goal.unit ? t("fields.progressValueUnit", { unit: goal.unit }) : t("fields.progressValue")}
        hint={t("hints.progressValue")}
        type="number"
        inputMode="decimal"
        step="any"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        error={problem}
        required
        autoFocus
      />
      <Field name="note" label={t("fields.note")} value={note} onChange={(e) => setNote(e.target.value)} maxLength={limits.note} />
      <div className="wide row goal-form-actions">
        <Button type="button" onClick={onCancel}>
          {t("common:cancel")}
        </Button>
        <Button type="submit" variant="primary" busy={busy} disabled={!online}>
          {t("recordProgress")}
        </Button>
      </div>
    </form>
  );
}

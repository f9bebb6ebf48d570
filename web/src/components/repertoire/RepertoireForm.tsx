// The form that adds a piece to the repertoire or edits one. It checks what the server
// checks and hands the body (and, for an edit, the changed fields) to onSave.
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { repertoireStatuses, type RepertoireItem, type RepertoireStatus } from "../../api/types";
import { Button, Field, Select, TextArea } from "../ui";
import { draftOf, limits, parseDraft, type Draft, type Problems, type RepertoireBody } from "./body";

interface Props {
  item?: RepertoireItem;
  /** status: the column a new piece starts in. */
  status?: RepertoireStatus;
  onSave: (body: RepertoireBody) => Promise<void>;
  onCancel: () => void;
}

export function RepertoireForm({ item, status, onSave, onCancel }: Props) {
  const { t } = useTranslation("repertoire");
  const [draft, setDraft] = useState<Draft>(() => draftOf(item, status));
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const problem = (key: keyof Draft) => {
    const p = problems[key];
    return p ? t(p.key, p.values) : undefined;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const { body, problems: found } = parseDraft(draft, item?.score_id ?? null);
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
    <form className="form-grid" onSubmit={submit} noValidate data-testid="repertoire-form">
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
      <Field
        name="composer"
        label={t("fields.composer")}
        value={draft.composer}
        onChange={(e) => set("composer", e.target.value)}
        error={problem("composer")}
        maxLength={limits.composer}
        autoComplete="off"
      />
      <Select name="status" label={t("fields.status")} value={draft.status} onChange={(e) => set("status", e.target.value as RepertoireStatus)} error={problem("status")}>
        {repertoireStatuses.map((s) => (
          <option key={s} value={s}>
            {t(`status.${s}`)}
          </option>
        ))}
      </Select>
      <Field
        name="difficulty"
        label={t("fields.difficulty")}
        hint={t("hints.difficulty")}
        type="number"
        inputMode="numeric"
        min={limits.difficulty[0]}
        max={limits.difficulty[1]}
        step={1}
        value={draft.difficulty}
        onChange={(e) => set("difficulty", e.target.value)}
        error={problem("difficulty")}
      />
      <Field
        name="current_tempo"
        label={t("fields.currentTempo")}
        hint={t("hints.tempo")}
        type="number"
        inputMode="numeric"
        min={limits.tempo[0]}
        max={limits.tempo[1]}
        step={1}
        value={draft.current_tempo}
        onChange={(e) => set("current_tempo", e.target.value)}
        error={problem("current_tempo")}
      />
      <Field
        name="target_tempo"
        label={t("fields.targetTempo")}
        hint={t("hints.tempo")}
        type="number"
        inputMode="numeric"
        min={limits.tempo[0]}
        max={limits.tempo[1]}
        step={1}
        value={draft.target_tempo}
        onChange={(e) => set("target_tempo", e.target.value)}
        error={problem("target_tempo")}
      />
      <TextArea
        className="wide"
        name="notes"
        label={t("fields.notes")}
        value={draft.notes}
        onChange={(e) => set("notes", e.target.value)}
        error={problem("notes")}
        maxLength={limits.notes}
      />
      <TextArea
        className="wide"
        name="links"
        label={t("fields.links")}
        hint={t("hints.links", { max: limits.links })}
        value={draft.links}
        onChange={(e) => set("links", e.target.value)}
        error={problem("links")}
        rows={3}
        spellCheck={false}
        inputMode="url"
      />
      <div className="wide row rep-form-actions">
        <Button type="button" onClick={onCancel}>
          {t("common:cancel")}
        </Button>
        <Button type="submit" variant="primary" busy={busy}>
          {item ? t("common:save") : t("add")}
        </Button>
      </div>
    </form>
  );
}

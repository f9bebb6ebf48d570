// The form of a logbook entry: create, edit, or the entry a timer run turns into.
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { entryTypes, moods, type EntryType, type LogbookEntry, type Mood, type Piece } from "../../api/types";
import { localDateTimeInput } from "../../i18n/format";
import { Button, Field, Select, TagInput, TextArea } from "../ui";

export type EntryDraft = Omit<LogbookEntry, "id" | "version" | "created_at" | "updated_at" | "goal_ids"> & { goal_ids?: string[] };

export function emptyDraft(now = new Date(), instrument = ""): EntryDraft {
  return { practiced_at: now.toISOString(), duration_minutes: 30, type: "practice", instrument, pieces: [], techniques: [], mood: null, notes: "", tags: [] };
}

/** validate returns the form's errors by field (empty: valid). */
export function validateDraft(d: EntryDraft): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!Number.isInteger(d.duration_minutes) || d.duration_minutes < 1 || d.duration_minutes > 1440) errors.duration_minutes = "duration";
  if (Number.isNaN(Date.parse(d.practiced_at))) errors.practiced_at = "date";
  d.pieces.forEach((p, i) => {
    if (!p.title.trim()) errors[`pieces.${i}`] = "pieceTitle";
  });
  if (d.notes.length > 10000) errors.notes = "notes";
  return errors;
}

export function EntryForm({ initial, onSubmit, onCancel }: { initial: EntryDraft; onSubmit: (d: EntryDraft) => void; onCancel: () => void }) {
  const { t } = useTranslation(["logbook", "common"]);
  const [d, setD] = useState<EntryDraft>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = <K extends keyof EntryDraft>(k: K, v: EntryDraft[K]) => setD((x) => ({ ...x, [k]: v }));
  const setPiece = (i: number, p: Partial<Piece>) => set("pieces", d.pieces.map((x, j) => (j === i ? { ...x, ...p } : x)));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs = validateDraft(d);
    setErrors(errs);
    if (Object.keys(errs).length === 0) {
      onSubmit({ ...d, pieces: d.pieces.map((p) => ({ ...p, title: p.title.trim(), composer: p.composer?.trim() || undefined })) });
    }
  };

  return (
    <form onSubmit={submit} className="stack" noValidate>
      <div className="form-grid">
        <Field
          label={t("when")}
          type="datetime-local"
          required
          value={localDateTimeInput(new Date(d.practiced_at))}
          onChange={(e) => e.target.value && set("practiced_at", new Date(e.target.value).toISOString())}
          error={errors.practiced_at && t("errors.date")}
        />
        <Field
          label={t("minutes")}
          type="number"
          min={1}
          max={1440}
          required
          value={d.duration_minutes}
          onChange={(e) => set("duration_minutes", Number(e.target.value))}
          error={errors.duration_minutes && t("errors.duration")}
        />
        <Select label={t("type")} value={d.type} onChange={(e) => set("type", e.target.value as EntryType)}>
          {entryTypes.map((x) => (
            <option key={x} value={x}>
              {t(`types.${x}`)}
            </option>
          ))}
        </Select>
        <Field label={t("instrument")} value={d.instrument} maxLength={100} onChange={(e) => set("instrument", e.target.value)} />
        <Select label={t("mood")} value={d.mood ?? ""} onChange={(e) => set("mood", (e.target.value || null) as Mood | null)}>
          <option value="">{t("common:none")}</option>
          {moods.map((m) => (
            <option key={m} value={m}>
              {t(`moods.${m}`)}
            </option>
          ))}
        </Select>
      </div>

      <fieldset className="stack pieces">
        <legend>{t("pieces")}</legend>
        {d.pieces.map((p, i) => (
          <div className="form-grid piece-row" key={i}>
            <Field label={t("pieceTitle")} value={p.title} maxLength={300} onChange={(e) => setPiece(i, { title: e.target.value })} error={errors[`pieces.${i}`] && t("errors.pieceTitle")} />
            <Field label={t("composer")} value={p.composer ?? ""} maxLength={200} onChange={(e) => setPiece(i, { composer: e.target.value })} />
            <Field
              label={t("pieceMinutes")}
              type="number"
              min={0}
              max={1440}
              value={p.minutes ?? ""}
              onChange={(e) => setPiece(i, { minutes: e.target.value === "" ? undefined : Number(e.target.value) })}
            />
            <div className="row">
              <Button type="button" variant="ghost" onClick={() => set("pieces", d.pieces.filter((_, j) => j !== i))}>
                {t("removePiece")}
              </Button>
            </div>
          </div>
        ))}
        <div>
          <Button type="button" onClick={() => set("pieces", [...d.pieces, { title: "" }])}>
            {t("addPiece")}
          </Button>
        </div>
      </fieldset>

      <TagInput label={t("techniques")} value={d.techniques} onChange={(v) => set("techniques", v)} placeholder={t("techniquesHint")} />
      <TagInput label={t("tags")} value={d.tags} onChange={(v) => set("tags", v)} placeholder={t("tagsHint")} />
      <TextArea label={t("notes")} value={d.notes} maxLength={10000} onChange={(e) => set("notes", e.target.value)} />
      <div className="row">
        <Button type="submit" variant="primary">
          {t("common:save")}
        </Button>
        <Button type="button" onClick={onCancel}>
          {t("common:cancel")}
        </Button>
      </div>
    </form>
  );
}

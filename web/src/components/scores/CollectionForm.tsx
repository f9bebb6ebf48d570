// The fields of a collection: name, description and whether it is public.
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Button, ErrorBanner, Field, Select, TextArea } from "../ui";
import type { CollectionInput } from "./types";

interface Props {
  initial?: CollectionInput;
  submitLabel: string;
  busy: boolean;
  error: unknown;
  onSubmit: (v: CollectionInput) => void;
  onCancel?: () => void;
}

export function CollectionForm({ initial, submitLabel, busy, error, onSubmit, onCancel }: Props) {
  const { t } = useTranslation(["scores", "common"]);
  const [name, setName] = useState(initial?.name ?? "");
  const [description, setDescription] = useState(initial?.description ?? "");
  const [visibility, setVisibility] = useState<CollectionInput["visibility"]>(initial?.visibility ?? "private");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) onSubmit({ name: name.trim(), description: description.trim(), visibility });
  };
  return (
    <form className="stack" onSubmit={submit}>
      <div className="form-grid">
        <Field label={t("collections.name")} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        <Select label={t("fields.visibility")} value={visibility} onChange={(e) => setVisibility(e.target.value as CollectionInput["visibility"])}>
          <option value="private">{t("visibility.private")}</option>
          <option value="public">{t("visibility.public")}</option>
        </Select>
        <TextArea className="wide" label={t("collections.description")} maxLength={2000} value={description} onChange={(e) => setDescription(e.target.value)} />
      </div>
      <p className="small muted">{t(visibility === "public" ? "collections.publicHint" : "collections.privateHint")}</p>
      <ErrorBanner error={error} />
      <div className="row">
        <Button type="submit" variant="primary" busy={busy} disabled={!name.trim()}>
          {submitLabel}
        </Button>
        {onCancel ? (
          <Button type="button" variant="ghost" onClick={onCancel}>
            {t("common:cancel")}
          </Button>
        ) : null}
      </div>
    </form>
  );
}

// A score's metadata: what the pipeline found and what its owner corrected, shown and edited.
// A save sends the whole set of corrections: a field whose value is what was found needs none.
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import { Badge, Button, ErrorBanner, Field, Select, TagInput } from "../ui";
import { ifMatch, keys } from "./data";
import { metadataFields, periods, scoreVisibilities, type MetadataField, type Score, type ScoreResponse, type ScoreVisibility } from "./types";

const numberFields = { difficulty: [1, 10], year: [1000, 2100] } as const;
type NumberField = keyof typeof numberFields;
const isNumberField = (f: string): f is NumberField => f in numberFields;
type TextField = Exclude<MetadataField, "tags">;

const corrected = (s: Score, f: string) => !!s.corrections && Object.prototype.hasOwnProperty.call(s.corrections, f);

/** effective is a field's value as shown: the owner's correction, else what was found. */
function effective(s: Score, f: MetadataField): unknown {
  return corrected(s, f) ? s.corrections?.[f] : s.extracted?.[f]?.value;
}

const asText = (v: unknown): string => (v === null || v === undefined ? "" : Array.isArray(v) ? v.map(String).join(", ") : String(v));
const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String).filter(Boolean) : typeof v === "string" && v ? v.split(/\s*,\s*/) : []);

export function MetadataView({ score }: { score: Score }) {
  const { t } = useTranslation("scores");
  const shown = metadataFields.filter((f) => asText(effective(score, f)) !== "");
  if (!shown.length) return <p className="muted">{t("metadata.none")}</p>;
  return (
    <dl className="score-meta">
      {shown.map((f) => {
        const found = score.extracted?.[f];
        const v = effective(score, f);
        return (
          <div key={f} className="score-meta-row">
            <dt>{t(`fields.${f}`)}</dt>
            <dd>
              <span>{f === "difficulty" ? t("difficultyValue", { value: asText(v) }) : asText(v)}</span>{" "}
              {corrected(score, f) ? (
                <Badge tone="info">{t("metadata.corrected")}</Badge>
              ) : found ? (
                <span className="small muted">
                  {t("metadata.found", { source: t(`metadata.sources.${found.source}`, { defaultValue: found.source }), percent: Math.round(found.confidence * 100) })}
                </span>
              ) : null}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

type Draft = Record<TextField, string> & { tags: string[] };

function draftOf(s: Score): Draft {
  const d = { tags: asList(effective(s, "tags")) } as Draft;
  for (const f of metadataFields) if (f !== "tags") d[f] = asText(effective(s, f));
  return d;
}

/** correctionsOf: the fields whose value differs from what was found. */
function correctionsOf(s: Score, d: Draft): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of metadataFields) {
    const found = s.extracted?.[f]?.value;
    if (f === "tags") {
      if (d.tags.join("\n") !== asList(found).join("\n")) out.tags = d.tags;
      continue;
    }
    const v = d[f].trim();
    if (v === asText(found).trim()) continue;
    if (isNumberField(f)) {
      if (v !== "") out[f] = Number(v); // an empty number shows what was found again
    } else {
      out[f] = v; // "" clears a wrong value
    }
  }
  return out;
}

export function MetadataForm({ score, onDone }: { score: ScoreResponse; onDone: () => void }) {
  const { t } = useTranslation(["scores", "common"]);
  const qc = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => draftOf(score));
  const [visibility, setVisibility] = useState<ScoreVisibility>(score.visibility);
  const save = useMutation({
    mutationFn: () =>
      api<ScoreResponse>(`/api/scores/${score.id}`, {
        method: "PUT",
        headers: ifMatch(score.version),
        body: { visibility, metadata: correctionsOf(score, draft) },
      }),
    onSuccess: (res) => {
      qc.setQueryData(keys.score(score.id), res);
      void qc.invalidateQueries({ queryKey: keys.scores, predicate: (q) => q.queryKey[2] !== "detail" });
      void qc.invalidateQueries({ queryKey: keys.favorites });
      void qc.invalidateQueries({ queryKey: keys.collections });
      onDone();
    },
  });
  const set = (f: TextField) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [f]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const text = (f: TextField, extra?: { list?: string; wide?: boolean }) => (
    <Field
      key={f}
      label={t(`fields.${f}`)}
      value={draft[f]}
      maxLength={300}
      onChange={set(f)}
      list={extra?.list}
      className={extra?.wide ? "wide" : undefined}
      hint={score.extracted?.[f] && asText(score.extracted[f].value) !== draft[f] ? t("metadata.wasFound", { value: asText(score.extracted[f].value) }) : undefined}
    />
  );
  return (
    <form className="stack" onSubmit={submit} aria-label={t("metadata.edit")}>
      <div className="form-grid">
        {text("title", { wide: true })}
        {text("subtitle", { wide: true })}
        {text("composer")}
        {text("arranger")}
        {text("opus")}
        {text("key")}
        {text("time_signature")}
        {text("tempo")}
        {text("instrumentation")}
        {text("period", { list: "score-periods" })}
        <Select label={t("fields.difficulty")} value={draft.difficulty} onChange={set("difficulty")}>
          <option value="">{t("metadata.notSet")}</option>
          {Array.from({ length: 10 }, (_, i) => String(i + 1)).map((n) => (
            <option key={n} value={n}>
              {t("difficultyValue", { value: n })}
            </option>
          ))}
        </Select>
        <Field label={t("fields.year")} type="number" inputMode="numeric" min={1000} max={2100} step={1} value={draft.year} onChange={set("year")} />
        {text("language")}
        <Select label={t("fields.visibility")} value={visibility} onChange={(e) => setVisibility(e.target.value as ScoreVisibility)}>
          {scoreVisibilities.map((v) => (
            <option key={v} value={v}>
              {t(`visibility.${v}`)}
            </option>
          ))}
        </Select>
        <div className="wide">
          <TagInput label={t("fields.tags")} value={draft.tags} onChange={(tags) => setDraft((d) => ({ ...d, tags }))} placeholder={t("metadata.tagsHint")} />
        </div>
      </div>
      <datalist id="score-periods">
        {periods.map((p) => (
          <option key={p} value={p} />
        ))}
      </datalist>
      <p className="small muted">{t(`visibility.${visibility}Hint`)}</p>
      <ErrorBanner error={save.error} />
      <div className="row">
        <Button type="submit" variant="primary" busy={save.isPending}>
          {t("common:save")}
        </Button>
        <Button type="button" variant="ghost" onClick={onDone}>
          {t("common:cancel")}
        </Button>
      </div>
    </form>
  );
}

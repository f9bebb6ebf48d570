// Import of a PDF score from an http(s) URL: the server records it at once (202) and its
// pipeline downloads the file (the fetch step) and processes it as an upload; the score's
// page follows the pipeline.
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import { Button, ErrorBanner, Field, Select } from "../ui";
import { keys, newKey } from "./data";
import { scoreVisibilities, type ScoreResponse, type ScoreVisibility } from "./types";

export function UrlImport() {
  const { t } = useTranslation(["scores", "common"]);
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [url, setUrl] = useState("");
  const [title, setTitle] = useState("");
  const [composer, setComposer] = useState("");
  const [visibility, setVisibility] = useState<ScoreVisibility>("private");
  const [key, setKey] = useState(newKey);
  const importURL = useMutation({
    mutationFn: () =>
      api<ScoreResponse>("/api/import/url", {
        method: "POST",
        headers: { "Idempotency-Key": key },
        body: { url: url.trim(), title: title.trim() || undefined, composer: composer.trim() || undefined, visibility },
      }),
    onSuccess: (res) => {
      setKey(newKey());
      qc.setQueryData(keys.score(res.id), res);
      void qc.invalidateQueries({ queryKey: keys.scores });
      navigate(`/scores/${res.id}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (url.trim()) importURL.mutate();
  };
  return (
    <form className="stack" onSubmit={submit}>
      <Field
        label={t("url.label")}
        hint={t("url.hint")}
        type="url"
        inputMode="url"
        required
        maxLength={2000}
        placeholder="https://"
        value={url}
        onChange={(e) => {
          setUrl(e.target.value);
          setKey(newKey());
        }}
      />
      <div className="form-grid">
        <Field label={t("fields.title")} hint={t("upload.optional")} value={title} maxLength={300} onChange={(e) => setTitle(e.target.value)} />
        <Field label={t("fields.composer")} hint={t("upload.optional")} value={composer} maxLength={300} onChange={(e) => setComposer(e.target.value)} />
        <Select label={t("fields.visibility")} value={visibility} onChange={(e) => setVisibility(e.target.value as ScoreVisibility)}>
          {scoreVisibilities.map((v) => (
            <option key={v} value={v}>
              {t(`visibility.${v}`)}
            </option>
          ))}
        </Select>
      </div>
      <div className="row">
        <Button type="submit" variant="primary" busy={importURL.isPending} disabled={!url.trim()}>
          {t("url.submit")}
        </Button>
      </div>
      <ErrorBanner error={importURL.error} />
    </form>
  );
}

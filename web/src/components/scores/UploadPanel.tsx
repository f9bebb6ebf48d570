// Upload of a PDF: drag and drop onto the zone or choose a file; the upload starts at once
// and shows its progress (XMLHttpRequest, for the upload's progress events), then opens the
// score, whose processing can be followed there.
import { useId, useRef, useState, type DragEvent } from "react";
import { useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, errorOf, refreshSession } from "../../api/client";
import { Button, ErrorBanner, Field, Progress, Select } from "../ui";
import { keys, newKey } from "./data";
import { scoreVisibilities, type ScoreResponse, type ScoreVisibility } from "./types";

interface Sending {
  promise: Promise<ScoreResponse>;
  abort(): void;
}

/** post sends the form once with XMLHttpRequest, telling the upload's progress (0–1). */
function post(body: FormData, key: string, onProgress: (share: number) => void): Sending {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<ScoreResponse>((resolve, reject) => {
    xhr.open("POST", "/api/scores");
    xhr.setRequestHeader("X-Requested-With", "mirubato");
    xhr.setRequestHeader("Idempotency-Key", key);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as ScoreResponse);
        } catch {
          reject(new ApiError(xhr.status, "bad_response", "The server's answer could not be read."));
        }
        return;
      }
      // The API's one error shape, read as any other response's.
      void errorOf(new Response(xhr.responseText, { status: xhr.status, statusText: xhr.statusText })).then(reject);
    };
    xhr.onerror = () => reject(new ApiError(0, "offline", "The server cannot be reached. Check your connection."));
    xhr.onabort = () => reject(new DOMException("The upload was cancelled", "AbortError"));
    xhr.send(body);
  });
  return { promise, abort: () => xhr.abort() };
}

const isPDF = (f: File) => f.type === "application/pdf" || f.name.toLowerCase().endsWith(".pdf");

export function UploadPanel() {
  const { t } = useTranslation(["scores", "common"]);
  const navigate = useNavigate();
  const qc = useQueryClient();
  const inputId = useId();
  const [title, setTitle] = useState("");
  const [composer, setComposer] = useState("");
  const [visibility, setVisibility] = useState<ScoreVisibility>("private");
  const [dragging, setDragging] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const current = useRef<Sending | null>(null);
  const busy = file !== null;

  async function upload(f: File) {
    if (!isPDF(f)) {
      setError(new Error(t("upload.notPdf", { name: f.name })));
      return;
    }
    setError(null);
    setFile(f);
    setProgress(0);
    const body = new FormData();
    body.append("file", f, f.name);
    if (title.trim()) body.append("title", title.trim());
    if (composer.trim()) body.append("composer", composer.trim());
    body.append("visibility", visibility);
    const key = newKey(); // the same for a retry after the session is refreshed
    try {
      let res: ScoreResponse;
      try {
        current.current = post(body, key, setProgress);
        res = await current.current.promise;
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 401) || (await refreshSession()) !== true) throw err;
        setProgress(0);
        current.current = post(body, key, setProgress);
        res = await current.current.promise;
      }
      qc.setQueryData(keys.score(res.id), res);
      void qc.invalidateQueries({ queryKey: keys.scores });
      navigate(`/scores/${res.id}`);
    } catch (err) {
      if (err instanceof DOMException && err.name === "AbortError") return;
      if (err instanceof ApiError && err.status === 413 && err.code === "http_413") setError(new Error(t("upload.tooLarge")));
      else setError(err);
    } finally {
      current.current = null;
      setFile(null);
    }
  }

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    if (busy) return;
    const files = Array.from(e.dataTransfer.files);
    if (files.length > 1) {
      setError(new Error(t("upload.oneAtATime")));
      return;
    }
    if (files[0]) void upload(files[0]);
  };

  return (
    <div className="stack">
      <div className="form-grid">
        <Field label={t("fields.title")} hint={t("upload.optional")} value={title} maxLength={300} onChange={(e) => setTitle(e.target.value)} disabled={busy} />
        <Field label={t("fields.composer")} hint={t("upload.optional")} value={composer} maxLength={300} onChange={(e) => setComposer(e.target.value)} disabled={busy} />
        <Select label={t("fields.visibility")} value={visibility} onChange={(e) => setVisibility(e.target.value as ScoreVisibility)} disabled={busy}>
          {scoreVisibilities.map((v) => (
            <option key={v} value={v}>
              {t(`visibility.${v}`)}
            </option>
          ))}
        </Select>
      </div>
      <div
        className={`score-dropzone${dragging ? " dragging" : ""}${busy ? " busy" : ""}`}
        data-testid="score-dropzone"
        onDragEnter={(e) => {
          e.preventDefault();
          if (!busy) setDragging(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = busy ? "none" : "copy";
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={onDrop}
      >
        <p className="score-dropzone-text">{t("upload.drop")}</p>
        <input
          id={inputId}
          className="score-dropzone-input"
          type="file"
          accept="application/pdf"
          disabled={busy}
          data-testid="score-file-input"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = "";
            if (f) void upload(f);
          }}
        />
        <label htmlFor={inputId} className={`btn btn-primary${busy ? " disabled" : ""}`}>
          {t("upload.choose")}
        </label>
        <p className="field-hint">{t("upload.hint")}</p>
      </div>
      {file ? (
        <div className="stack" aria-live="polite">
          <p className="small">
            {progress < 1 ? t("upload.sending", { name: file.name, percent: Math.round(progress * 100) }) : t("upload.checking", { name: file.name })}
          </p>
          <Progress value={progress} label={t("upload.progress")} />
          <div className="row">
            <Button type="button" variant="ghost" onClick={() => current.current?.abort()}>
              {t("upload.cancel")}
            </Button>
          </div>
        </div>
      ) : null}
      <ErrorBanner error={error} />
    </div>
  );
}

// The page viewer: the server's image of one page at a time, with previous and next buttons,
// a page number, the arrow keys, and the original PDF on demand.
import { useEffect, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { request } from "../../api/client";
import { Button, ErrorBanner } from "../ui";

const inField = (el: EventTarget | null) =>
  el instanceof HTMLElement && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName) || el.closest("dialog") !== null);

export function PageViewer({ scoreId, pageCount }: { scoreId: string; pageCount: number }) {
  const { t } = useTranslation("scores");
  const [page, setPage] = useState(1);
  const [typed, setTyped] = useState("1");
  const [attempt, setAttempt] = useState(0);
  // Which image (page and attempt) has loaded or failed: the one shown now is loading until then.
  const [loaded, setLoaded] = useState("");
  const [failed, setFailed] = useState("");
  const imageKey = `${page}-${attempt}`;
  const state = loaded === imageKey ? "shown" : failed === imageKey ? "failed" : "loading";

  const go = (n: number) => setPage(Math.min(pageCount, Math.max(1, n)));

  useEffect(() => {
    setTyped(String(page));
    // The next page is likely the one wanted next: fetch its image now.
    if (page < pageCount) new Image().src = `/api/scores/${scoreId}/pages/${page + 1}.png`;
  }, [page, pageCount, scoreId]);

  // The arrow keys turn the pages, unless someone is typing.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || inField(e.target)) return;
      if (e.key === "ArrowRight" || e.key === "PageDown") setPage((p) => Math.min(pageCount, p + 1));
      else if (e.key === "ArrowLeft" || e.key === "PageUp") setPage((p) => Math.max(1, p - 1));
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [pageCount]);

  const jump = (e: FormEvent) => {
    e.preventDefault();
    const n = Number.parseInt(typed, 10);
    if (Number.isFinite(n)) go(n);
    else setTyped(String(page));
  };

  const alt = t("viewer.alt", { page, total: pageCount });
  return (
    <section className="score-viewer" aria-label={t("viewer.label")} data-testid="page-viewer">
      <div className="row score-viewer-bar">
        <Button type="button" onClick={() => go(page - 1)} disabled={page <= 1} aria-label={t("viewer.previous")}>
          <span aria-hidden="true">←</span> <span className="score-viewer-btn-text">{t("viewer.previous")}</span>
        </Button>
        <form className="row score-viewer-jump" onSubmit={jump}>
          <label htmlFor="viewer-page">{t("viewer.page")}</label>
          <input
            id="viewer-page"
            className="plain"
            type="number"
            inputMode="numeric"
            min={1}
            max={pageCount}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            onBlur={jump}
          />
          <span className="muted">{t("viewer.of", { total: pageCount })}</span>
        </form>
        <Button type="button" onClick={() => go(page + 1)} disabled={page >= pageCount} aria-label={t("viewer.next")}>
          <span className="score-viewer-btn-text">{t("viewer.next")}</span> <span aria-hidden="true">→</span>
        </Button>
      </div>
      <p className="visually-hidden" aria-live="polite">
        {alt}
      </p>
      <div className="score-viewer-page">
        {state === "failed" ? (
          <div className="score-viewer-failed">
            <p>{t("viewer.failed")}</p>
            <Button type="button" onClick={() => setAttempt((a) => a + 1)}>
              {t("common:retry")}
            </Button>
          </div>
        ) : (
          <img
            key={imageKey}
            src={`/api/scores/${scoreId}/pages/${page}.png${attempt ? `?retry=${attempt}` : ""}`}
            alt={alt}
            className={state === "loading" ? "score-page-loading" : undefined}
            onLoad={() => setLoaded(imageKey)}
            onError={() => setFailed(imageKey)}
          />
        )}
        {state === "loading" ? <span className="spinner score-viewer-spinner" aria-hidden="true" /> : null}
      </div>
      <p className="small muted score-viewer-keys">{t("viewer.keys")}</p>
    </section>
  );
}

/** OpenPdf fetches the original PDF only when asked, and shows it in the page. */
export function OpenPdf({ scoreId, filename }: { scoreId: string; filename: string }) {
  const { t } = useTranslation("scores");
  const [url, setUrl] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!url) return;
    return () => URL.revokeObjectURL(url);
  }, [url]);

  const open = async () => {
    setBusy(true);
    setError(null);
    try {
      const resp = await request(`/api/scores/${scoreId}/download`);
      const blob = await resp.blob();
      setUrl(URL.createObjectURL(blob.type === "application/pdf" ? blob : new Blob([blob], { type: "application/pdf" })));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="stack">
      <div className="row">
        {url ? (
          <>
            <a className="btn btn-secondary" href={url} target="_blank" rel="noopener">
              {t("pdf.newTab")}
            </a>
            <a className="btn btn-secondary" href={url} download={filename}>
              {t("pdf.download")}
            </a>
            <Button type="button" variant="ghost" onClick={() => setUrl(null)}>
              {t("pdf.close")}
            </Button>
          </>
        ) : (
          <Button type="button" busy={busy} onClick={() => void open()} data-testid="open-pdf">
            {t("pdf.open")}
          </Button>
        )}
      </div>
      <ErrorBanner error={error} />
      {url ? <iframe className="score-pdf-frame" src={url} title={t("pdf.frameTitle", { name: filename })} /> : null}
    </div>
  );
}

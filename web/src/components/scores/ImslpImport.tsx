// Import of a work from IMSLP (its URL, page id or title): a batch whose progress is polled
// until it ends, and the list of my latest imports.
import { useEffect, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, query } from "../../api/client";
import type { Page } from "../../api/types";
import { formatDateTime } from "../../i18n/format";
import { Badge, Button, Empty, ErrorBanner, Field, Progress, Spinner } from "../ui";
import { keys, newKey } from "./data";
import { batchCountKeys, batchEnded, type Batch, type BatchItem, type ImportStatus } from "./types";

const batchTones = { listing: "info", running: "info", done: "good", cancelled: "neutral", failed: "bad" } as const;
const itemTones = { queued: "info", imported: "good", duplicate: "neutral", skipped: "warn", failed: "bad", cancelled: "neutral" } as const;

export function BatchBadge({ status }: { status: Batch["status"] }) {
  const { t } = useTranslation("scores");
  return <Badge tone={batchTones[status] ?? "neutral"}>{t(`imslp.status.${status}`)}</Badge>;
}

function Counts({ batch }: { batch: Batch }) {
  const { t } = useTranslation("scores");
  return (
    <ul className="score-import-counts">
      {batchCountKeys
        .filter((k) => batch.counts[k] > 0 || k === "imported")
        .map((k) => (
          <li key={k}>
            <strong>{batch.counts[k]}</strong> {t(`imslp.counts.${k}`)}
          </li>
        ))}
    </ul>
  );
}

/** BatchProgress polls a batch every 2 s until it has ended; then shows its works. */
function BatchProgress({ id, initial, onClose }: { id: string; initial?: Batch; onClose: () => void }) {
  const { t } = useTranslation(["scores", "common"]);
  const qc = useQueryClient();
  const status = useQuery({
    queryKey: keys.importStatus(id),
    queryFn: ({ signal }) => api<ImportStatus>(`/api/import/status/${id}`, { signal }),
    initialData: initial ? { id, kind: "imslp_batch", state: initial.status, progress: initial.progress, batch: initial } : undefined,
    initialDataUpdatedAt: 0,
    refetchInterval: (q) => {
      const b = q.state.data?.batch;
      return b && batchEnded(b) ? false : 2000;
    },
  });
  const batch = status.data?.batch;
  const ended = batch ? batchEnded(batch) : false;
  const items = useQuery({
    queryKey: [...keys.importItems(id), ended, batch?.counts.imported ?? 0, batch?.counts.failed ?? 0],
    queryFn: ({ signal }) => api<Page<BatchItem>>(`/api/import/imslp/${id}/items` + query({ limit: 50 }), { signal }),
    enabled: !!batch && batch.total > 0,
  });
  // Once it has ended, its scores are in the library and the list of imports says so.
  useEffect(() => {
    if (!ended) return;
    void qc.invalidateQueries({ queryKey: keys.scores });
    void qc.invalidateQueries({ queryKey: keys.importList });
  }, [ended, qc]);
  const cancel = useMutation({
    mutationFn: () => api<Batch>(`/api/import/status/${id}`, { method: "DELETE" }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.importStatus(id) });
      void qc.invalidateQueries({ queryKey: keys.importList });
    },
  });

  if (status.isPending) return <Spinner />;
  if (!batch) return <ErrorBanner error={status.error} />;
  return (
    <section className="score-import-batch" aria-labelledby={`batch-${id}`} data-testid="imslp-batch" data-status={batch.status}>
      <div className="row">
        <h3 id={`batch-${id}`} className="score-import-batch-title">
          {batch.request.composer ? t("imslp.composerWorks", { composer: batch.request.composer }) : t("imslp.works", { count: batch.total || batch.request.works })}
        </h3>
        <BatchBadge status={batch.status} />
      </div>
      <Progress value={batch.progress} label={t("imslp.progress")} />
      <p className="small muted" aria-live="polite">
        {batch.status === "listing" ? t("imslp.listing") : t("imslp.done", { done: batch.total - batch.counts.queued, total: batch.total })}
      </p>
      <Counts batch={batch} />
      {batch.error ? <div className="banner banner-error">{batch.error}</div> : null}
      {items.data?.items.length ? (
        <ul className="list score-import-items">
          {items.data.items.map((it) => (
            <li key={`${it.work}-${it.file_index ?? ""}`} className="list-item">
              <div>
                <p className="score-import-work">{it.work}</p>
                {it.reason ? <p className="small muted">{it.reason}</p> : null}
              </div>
              <div className="row">
                <Badge tone={itemTones[it.state] ?? "neutral"}>{t(`imslp.counts.${it.state}`)}</Badge>
                {it.score_id ? (
                  <Link className="btn btn-small" to={`/scores/${it.score_id}`}>
                    {t("imslp.openScore")}
                  </Link>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      ) : null}
      <ErrorBanner error={status.error ?? cancel.error} />
      <div className="row">
        {!ended ? (
          <Button type="button" variant="danger" busy={cancel.isPending} onClick={() => cancel.mutate()}>
            {t("imslp.cancel")}
          </Button>
        ) : null}
        <Button type="button" variant="ghost" onClick={onClose}>
          {t("common:close")}
        </Button>
      </div>
    </section>
  );
}

function RecentImports({ onShow, activeId }: { onShow: (b: Batch) => void; activeId?: string }) {
  const { t, i18n } = useTranslation("scores");
  const list = useQuery({
    queryKey: keys.importList,
    queryFn: ({ signal }) => api<{ items: Batch[] }>("/api/import/imslp" + query({ limit: 10 }), { signal }),
    refetchInterval: (q) => (q.state.data?.items.some((b) => !batchEnded(b)) ? 5000 : false),
  });
  if (list.isPending) return <Spinner />;
  if (list.error) return <ErrorBanner error={list.error} />;
  if (!list.data.items.length) return <Empty>{t("imslp.none")}</Empty>;
  return (
    <ul className="list score-import-list">
      {list.data.items.map((b) => (
        <li key={b.id} className="list-item">
          <div>
            <p className="score-import-work">
              {b.request.composer ? t("imslp.composerWorks", { composer: b.request.composer }) : t("imslp.works", { count: b.total || b.request.works })}
            </p>
            <p className="small muted">
              {formatDateTime(b.created_at, i18n.language)} · {t("imslp.summary", { imported: b.counts.imported, total: b.total })}
            </p>
          </div>
          <div className="row">
            <BatchBadge status={b.status} />
            {b.id !== activeId ? (
              <Button type="button" className="btn-small" onClick={() => onShow(b)}>
                {t("imslp.show")}
              </Button>
            ) : null}
          </div>
        </li>
      ))}
    </ul>
  );
}

export function ImslpImport() {
  const { t } = useTranslation(["scores", "common"]);
  const qc = useQueryClient();
  const [work, setWork] = useState("");
  const [key, setKey] = useState(newKey);
  const [active, setActive] = useState<Batch | null>(null);
  const start = useMutation({
    mutationFn: () => api<Batch>("/api/import/imslp", { method: "POST", headers: { "Idempotency-Key": key }, body: { work: work.trim() } }),
    onSuccess: (b) => {
      setActive(b);
      setWork("");
      setKey(newKey());
      void qc.invalidateQueries({ queryKey: keys.importList });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (work.trim()) start.mutate();
  };
  return (
    <div className="stack">
      <form className="stack" onSubmit={submit}>
        <Field
          label={t("imslp.label")}
          hint={t("imslp.hint")}
          required
          maxLength={500}
          value={work}
          data-testid="imslp-work"
          onChange={(e) => {
            setWork(e.target.value);
            setKey(newKey());
          }}
        />
        <div className="row">
          <Button type="submit" variant="primary" busy={start.isPending} disabled={!work.trim()}>
            {t("imslp.submit")}
          </Button>
        </div>
        <ErrorBanner error={start.error} />
      </form>
      {active ? (
        <BatchProgress
          key={active.id}
          id={active.id}
          initial={active}
          onClose={() => {
            setActive(null);
            void qc.invalidateQueries({ queryKey: keys.importList });
          }}
        />
      ) : null}
      <h3>{t("imslp.recent")}</h3>
      <RecentImports onShow={setActive} activeId={active?.id} />
    </div>
  );
}

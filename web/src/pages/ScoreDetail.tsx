// One score: its pipeline while it is processed (polled), then its pages, the original PDF on
// demand, its metadata, favourites and collections, and the owner's actions.
import { useEffect, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { useSession } from "../auth/session";
import { formatDateTime } from "../i18n/format";
import { Button, ConfirmDelete, Card, Dialog, Empty, ErrorBanner, PageHeader, Spinner, useToasts } from "../components/ui";
import { formatBytes, ifMatch, keys, scoreTitle } from "../components/scores/data";
import { StatusBadge } from "../components/scores/StatusBadge";
import { FavoriteButton } from "../components/scores/FavoriteButton";
import { PipelineSteps } from "../components/scores/PipelineSteps";
import { OpenPdf, PageViewer } from "../components/scores/PageViewer";
import { MetadataForm, MetadataView } from "../components/scores/Metadata";
import { AddToCollection } from "../components/scores/AddToCollection";
import type { ScoreResponse } from "../components/scores/types";

/** Lists and favourites show the score too: refresh them, not the score itself. */
const notThisScore = (id: string) => (q: { queryKey: readonly unknown[] }) => !(q.queryKey[2] === "detail" && q.queryKey[3] === id);

function FileDetails({ score }: { score: ScoreResponse }) {
  const { t, i18n } = useTranslation("scores");
  return (
    <dl className="score-meta">
      <div className="score-meta-row">
        <dt>{t("file.name")}</dt>
        <dd className="score-break">{score.filename}</dd>
      </div>
      <div className="score-meta-row">
        <dt>{t("file.size")}</dt>
        {/* A URL import has no file until its fetch step has downloaded it. */}
        <dd>{score.size_bytes > 0 ? formatBytes(score.size_bytes, i18n.language) : "—"}</dd>
      </div>
      <div className="score-meta-row">
        <dt>{t("file.pages")}</dt>
        <dd>{score.page_count > 0 ? score.page_count : "—"}</dd>
      </div>
      <div className="score-meta-row">
        <dt>{t("file.source")}</dt>
        <dd className="score-break">
          {t(`file.sources.${score.source}`, { defaultValue: score.source })}
          {score.source_url ? (
            <>
              {" · "}
              <a href={score.source_url} target="_blank" rel="noopener noreferrer">
                {t("file.sourceLink")}
              </a>
            </>
          ) : null}
        </dd>
      </div>
      <div className="score-meta-row">
        <dt>{t("file.added")}</dt>
        <dd>{formatDateTime(score.created_at, i18n.language)}</dd>
      </div>
      <div className="score-meta-row">
        <dt>{t("fields.visibility")}</dt>
        <dd>{t(`visibility.${score.visibility}`)}</dd>
      </div>
    </dl>
  );
}

function OwnerActions({ score }: { score: ScoreResponse }) {
  const { t } = useTranslation(["scores", "common"]);
  const qc = useQueryClient();
  const navigate = useNavigate();
  const push = useToasts((s) => s.push);
  const [confirming, setConfirming] = useState(false);
  const reprocess = useMutation({
    mutationFn: () => api<ScoreResponse>(`/api/scores/${score.id}/reprocess`, { method: "POST" }),
    onSuccess: (res) => {
      qc.setQueryData(keys.score(score.id), res);
      void qc.invalidateQueries({ queryKey: keys.scores, predicate: notThisScore(score.id) });
      push(t("actions.reprocessing"));
    },
  });
  const remove = useMutation({
    mutationFn: () => api<void>(`/api/scores/${score.id}`, { method: "DELETE", headers: ifMatch(score.version) }),
    onSuccess: () => {
      setConfirming(false);
      qc.removeQueries({ queryKey: keys.score(score.id) });
      void qc.invalidateQueries({ queryKey: keys.scores });
      void qc.invalidateQueries({ queryKey: keys.favorites });
      void qc.invalidateQueries({ queryKey: keys.collections });
      push(t("actions.deleted", { title: scoreTitle(score) }));
      navigate("/scores", { replace: true });
    },
  });
  return (
    <Card title={t("actions.title")}>
      <div className="stack">
        <p className="small muted">{t("actions.reprocessHint")}</p>
        <div className="row">
          <Button type="button" busy={reprocess.isPending} disabled={score.status === "processing"} onClick={() => reprocess.mutate()}>
            {t("actions.reprocess")}
          </Button>
          <Button type="button" variant="danger" onClick={() => setConfirming(true)}>
            {t("actions.delete")}
          </Button>
        </div>
        <ErrorBanner error={reprocess.error} />
      </div>
      <Dialog open={confirming} title={t("actions.deleteTitle")} onClose={() => setConfirming(false)}>
        <ConfirmDelete
          message={t("actions.deleteConfirm", { title: scoreTitle(score) })}
          onCancel={() => setConfirming(false)}
          onConfirm={() => remove.mutate()}
          busy={remove.isPending}
          error={remove.error}
        />
      </Dialog>
    </Card>
  );
}

export default function ScoreDetailPage() {
  const { t } = useTranslation(["scores", "common"]);
  const { id = "" } = useParams();
  const qc = useQueryClient();
  const userId = useSession((s) => s.user?.id);
  const [editing, setEditing] = useState(false);
  const score = useQuery({
    queryKey: keys.score(id),
    queryFn: ({ signal }) => api<ScoreResponse>(`/api/scores/${id}`, { signal }),
    refetchInterval: (q) => (q.state.data?.status === "processing" ? 1500 : false),
    refetchIntervalInBackground: false,
  });

  // When processing ends, the lists' thumbnails and statuses change too.
  const status = score.data?.status;
  const previous = useRef(status);
  useEffect(() => {
    if (previous.current === "processing" && status && status !== "processing") {
      void qc.invalidateQueries({ queryKey: keys.scores, predicate: notThisScore(id) });
    }
    previous.current = status;
  }, [status, id, qc]);

  const back = (
    <p className="score-back">
      <Link to="/scores">← {t("title")}</Link>
    </p>
  );
  if (score.isPending) return <>{back}<Spinner /></>;
  if (score.error && !score.data)
    return (
      <>
        {back}
        <ErrorBanner error={score.error} />
      </>
    );

  const s = score.data;
  const mine = s.owner_id === userId;
  return (
    <>
      {back}
      <PageHeader title={scoreTitle(s)} actions={<FavoriteButton score={s} withText />}>
        <p className="muted">{[s.composer || t("unknownComposer"), s.opus].filter(Boolean).join(" · ")}</p>
        <div className="row">
          <div data-testid="score-status" data-status={s.status} aria-live="polite">
            <StatusBadge status={s.status} />
          </div>
          {s.visibility !== "private" ? <span className="badge">{t(`visibility.${s.visibility}`)}</span> : null}
          {!mine ? <span className="small muted">{t("notYours")}</span> : null}
        </div>
      </PageHeader>

      {score.error ? <ErrorBanner error={score.error} /> : null}

      {s.status === "processing" ? (
        <Card title={t("pipeline.title")}>
          <p className="small muted">{t("pipeline.hint")}</p>
          {s.pipeline ? <PipelineSteps pipeline={s.pipeline} /> : <Spinner label={t("pipeline.waiting")} />}
        </Card>
      ) : null}

      {s.status === "failed" ? (
        <div className="banner banner-error" role="alert">
          <strong>{t("failed.title")}</strong> {s.failure ?? s.pipeline?.error ?? t("failed.unknown")}
          {mine ? <p className="small">{t("failed.hint")}</p> : null}
        </div>
      ) : null}

      {s.status === "ready" && s.notes && s.notes.length > 0 ? (
        <div className="banner banner-info" role="status">
          <strong>{t("notes.title")}</strong>
          <ul className="small">
            {s.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </div>
      ) : null}

      {s.status === "ready" ? (
        <Card title={t("viewer.title")}>
          {s.page_count > 0 ? <PageViewer scoreId={s.id} pageCount={s.page_count} /> : <Empty>{t("viewer.noPages")}</Empty>}
          <OpenPdf scoreId={s.id} filename={s.filename} />
        </Card>
      ) : null}

      <div className="grid-2 score-detail-grid">
        <Card
          title={t("metadata.title")}
          actions={
            mine && !editing ? (
              <Button type="button" className="btn-small" onClick={() => setEditing(true)}>
                {t("common:edit")}
              </Button>
            ) : null
          }
        >
          {editing && mine ? <MetadataForm score={s} onDone={() => setEditing(false)} /> : <MetadataView score={s} />}
        </Card>
        <div className="stack">
          <Card title={t("file.title")}>
            <FileDetails score={s} />
            {s.status !== "ready" ? <OpenPdf scoreId={s.id} filename={s.filename} /> : null}
          </Card>
          <Card title={t("collections.addTitle")}>
            <AddToCollection scoreId={s.id} />
          </Card>
          {mine ? <OwnerActions score={s} /> : null}
        </div>
      </div>
    </>
  );
}

// Collections: my ordered sets of scores (/collections), and one of them (/collections/:id)
// with its scores in order, to rename, describe, publish, reorder or delete.
import { useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, query } from "../api/client";
import type { Page } from "../api/types";
import { Badge, Button, ConfirmDelete, Card, Dialog, Empty, ErrorBanner, PageHeader, Spinner, useToasts } from "../components/ui";
import { ifMatch, keys, newKey, scoreTitle } from "../components/scores/data";
import { CollectionForm } from "../components/scores/CollectionForm";
import { ShareLink } from "../components/scores/ShareLink";
import { StatusBadge } from "../components/scores/StatusBadge";
import { Thumbnail } from "../components/scores/Thumbnail";
import type { Collection, CollectionInput, CollectionResponse, Score } from "../components/scores/types";

function CreateCollection() {
  const { t } = useTranslation(["scores", "common"]);
  const qc = useQueryClient();
  const push = useToasts((s) => s.push);
  const [formKey, setFormKey] = useState(newKey);
  const create = useMutation({
    mutationFn: (v: CollectionInput) => api<Collection>("/api/collections", { method: "POST", headers: { "Idempotency-Key": formKey }, body: v }),
    onSuccess: (c) => {
      void qc.invalidateQueries({ queryKey: keys.collectionList });
      push(t("collections.created", { name: c.name }));
      setFormKey(newKey()); // a fresh, empty form
    },
  });
  return (
    <Card title={t("collections.new")}>
      <CollectionForm key={formKey} submitLabel={t("common:create")} busy={create.isPending} error={create.error} onSubmit={(v) => create.mutate(v)} />
    </Card>
  );
}

function CollectionList() {
  const { t } = useTranslation(["scores", "common"]);
  const list = useInfiniteQuery({
    queryKey: keys.collectionList,
    queryFn: ({ pageParam, signal }) => api<Page<Collection>>("/api/collections" + query({ limit: 20, cursor: pageParam }), { signal }),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor || undefined,
  });
  return (
    <>
      <PageHeader
        title={t("collections.title")}
        actions={
          <Link className="btn btn-secondary" to="/scores">
            {t("title")}
          </Link>
        }
      >
        <p className="muted">{t("collections.intro")}</p>
      </PageHeader>
      <CreateCollection />
      <Card title={t("collections.mine")}>
        {list.isPending ? (
          <Spinner />
        ) : list.error && !list.data ? (
          <ErrorBanner error={list.error} />
        ) : !list.data.pages[0]?.items.length ? (
          <Empty>{t("collections.empty")}</Empty>
        ) : (
          <>
            <ul className="list">
              {list.data.pages
                .flatMap((p) => p.items)
                .map((c) => (
                  <li key={c.id} className="list-item collection-item">
                    <div>
                      <h3>
                        <Link to={`/collections/${c.id}`}>{c.name}</Link>
                      </h3>
                      {c.description ? <p className="small muted collection-desc">{c.description}</p> : null}
                    </div>
                    <div className="row">
                      <span className="small muted">{t("collections.count", { count: c.score_count })}</span>
                      <Badge tone={c.visibility === "public" ? "info" : "neutral"}>{t(`visibility.${c.visibility}`)}</Badge>
                    </div>
                  </li>
                ))}
            </ul>
            <ErrorBanner error={list.isFetchNextPageError ? list.error : null} />
            {list.hasNextPage ? (
              <div className="row score-more">
                <Button type="button" busy={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
                  {t("common:more")}
                </Button>
              </div>
            ) : null}
          </>
        )}
      </Card>
    </>
  );
}

/** The scores of a collection, in order, with buttons to move them and take them out. */
function CollectionScores({ collection }: { collection: CollectionResponse }) {
  const { t } = useTranslation(["scores", "common"]);
  const qc = useQueryClient();
  const key = keys.collection(collection.id);
  // After a move, focus follows the score that moved.
  const [focus, setFocus] = useState<{ id: string; dir: "up" | "down"; at: number } | null>(null);
  const reorder = useMutation({
    mutationFn: (ids: string[]) => api<CollectionResponse>(`/api/collections/${collection.id}/scores`, { method: "PUT", body: { score_ids: ids } }),
    onMutate: async (ids) => {
      await qc.cancelQueries({ queryKey: key });
      const before = qc.getQueryData<CollectionResponse>(key);
      if (before) {
        const byId = new Map(before.scores.map((s) => [s.id, s]));
        qc.setQueryData<CollectionResponse>(key, { ...before, scores: ids.map((id) => byId.get(id)).filter((s): s is Score => !!s) });
      }
      return { before };
    },
    onError: (_e, _v, ctx) => {
      if (ctx?.before) qc.setQueryData(key, ctx.before);
    },
    onSuccess: (res) => qc.setQueryData(key, res),
  });
  const remove = useMutation({
    mutationFn: (scoreId: string) => api<CollectionResponse>(`/api/collections/${collection.id}/scores/${scoreId}`, { method: "DELETE" }),
    onSuccess: (res) => {
      qc.setQueryData(key, res);
      void qc.invalidateQueries({ queryKey: keys.collectionList });
    },
  });

  useEffect(() => {
    if (!focus || collection.scores[focus.at]?.id !== focus.id) return;
    const other = focus.dir === "up" ? "down" : "up";
    const el = document.getElementById(`move-${focus.dir}-${focus.id}`) as HTMLButtonElement | null;
    (el && !el.disabled ? el : document.getElementById(`move-${other}-${focus.id}`))?.focus();
    setFocus(null);
  }, [focus, collection.scores]);

  const move = (index: number, dir: "up" | "down") => {
    if (reorder.isPending) return; // one move at a time: each names the whole order
    const ids = collection.scores.map((s) => s.id);
    const to = dir === "up" ? index - 1 : index + 1;
    if (to < 0 || to >= ids.length) return;
    [ids[index], ids[to]] = [ids[to], ids[index]];
    setFocus({ id: collection.scores[index].id, dir, at: to });
    reorder.mutate(ids);
  };

  if (!collection.scores.length) return <Empty>{t("collections.noScores")}</Empty>;
  const last = collection.scores.length - 1;
  return (
    <>
      <ErrorBanner error={reorder.error ?? remove.error} />
      <ol className="list collection-scores" data-testid="collection-scores">
        {collection.scores.map((s, i) => {
          const title = scoreTitle(s);
          return (
            <li key={s.id} className="list-item collection-score" data-score-id={s.id}>
              <div className="collection-score-main">
                <span className="collection-pos" aria-hidden="true">
                  {i + 1}
                </span>
                <Thumbnail score={s} size="row" />
                <div>
                  <h3>
                    <Link to={`/scores/${s.id}`}>{title}</Link>
                  </h3>
                  <p className="small muted">{s.composer || t("unknownComposer")}</p>
                  {s.status !== "ready" ? <StatusBadge status={s.status} /> : null}
                </div>
              </div>
              <div className="row collection-score-actions">
                <Button type="button" id={`move-up-${s.id}`} className="btn-small" disabled={i === 0} aria-label={t("collections.moveUp", { title })} onClick={() => move(i, "up")}>
                  <span aria-hidden="true">↑</span>
                </Button>
                <Button type="button" id={`move-down-${s.id}`} className="btn-small" disabled={i === last} aria-label={t("collections.moveDown", { title })} onClick={() => move(i, "down")}>
                  <span aria-hidden="true">↓</span>
                </Button>
                <Button type="button" variant="ghost" className="btn-small" busy={remove.isPending && remove.variables === s.id} onClick={() => remove.mutate(s.id)} aria-label={t("collections.removeScore", { title })}>
                  {t("collections.remove")}
                </Button>
              </div>
            </li>
          );
        })}
      </ol>
    </>
  );
}

function CollectionDetail({ id }: { id: string }) {
  const { t } = useTranslation(["scores", "common"]);
  const qc = useQueryClient();
  const navigate = useNavigate();
  const push = useToasts((s) => s.push);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const collection = useQuery({
    queryKey: keys.collection(id),
    queryFn: ({ signal }) => api<CollectionResponse>(`/api/collections/${id}`, { signal }),
  });
  const update = useMutation({
    mutationFn: ({ v, version }: { v: CollectionInput; version: number }) =>
      api<Collection>(`/api/collections/${id}`, { method: "PUT", headers: ifMatch(version), body: v }),
    onSuccess: (c) => {
      qc.setQueryData<CollectionResponse>(keys.collection(id), (prev) => (prev ? { ...prev, ...c } : prev));
      void qc.invalidateQueries({ queryKey: keys.collectionList });
      setEditing(false);
    },
  });
  const remove = useMutation({
    mutationFn: (version: number) => api<void>(`/api/collections/${id}`, { method: "DELETE", headers: ifMatch(version) }),
    onSuccess: () => {
      setConfirming(false);
      qc.removeQueries({ queryKey: keys.collection(id) });
      void qc.invalidateQueries({ queryKey: keys.collectionList });
      push(t("collections.deleted"));
      navigate("/collections", { replace: true });
    },
  });

  const back = (
    <p className="score-back">
      <Link to="/collections">← {t("collections.title")}</Link>
    </p>
  );
  if (collection.isPending) return <>{back}<Spinner /></>;
  if (collection.error && !collection.data)
    return (
      <>
        {back}
        <ErrorBanner error={collection.error} />
      </>
    );
  const c = collection.data;
  return (
    <>
      {back}
      <PageHeader
        title={c.name}
        actions={
          !editing ? (
            <>
              <Button type="button" onClick={() => setEditing(true)}>
                {t("common:edit")}
              </Button>
              <Button type="button" variant="danger" onClick={() => setConfirming(true)}>
                {t("common:delete")}
              </Button>
            </>
          ) : null
        }
      >
        {c.description ? <p className="collection-desc">{c.description}</p> : null}
        <div className="row">
          <Badge tone={c.visibility === "public" ? "info" : "neutral"}>{t(`visibility.${c.visibility}`)}</Badge>
          <span className="small muted">{t("collections.count", { count: c.scores.length })}</span>
        </div>
      </PageHeader>
      {collection.error ? <ErrorBanner error={collection.error} /> : null}
      {editing ? (
        <Card title={t("collections.edit")}>
          <CollectionForm
            initial={{ name: c.name, description: c.description, visibility: c.visibility }}
            submitLabel={t("common:save")}
            busy={update.isPending}
            error={update.error}
            onSubmit={(v) => update.mutate({ v, version: c.version })}
            onCancel={() => {
              update.reset();
              setEditing(false);
            }}
          />
        </Card>
      ) : null}
      {c.visibility === "public" && c.slug ? (
        <Card>
          <ShareLink slug={c.slug} />
        </Card>
      ) : null}
      <Card
        title={t("collections.scores")}
        actions={
          <Link className="btn btn-small btn-secondary" to="/scores">
            {t("collections.addFromLibrary")}
          </Link>
        }
      >
        <CollectionScores collection={c} />
      </Card>
      <Dialog open={confirming} title={t("collections.deleteTitle")} onClose={() => setConfirming(false)}>
        <ConfirmDelete
          message={t("collections.deleteConfirm", { name: c.name })}
          onCancel={() => setConfirming(false)}
          onConfirm={() => remove.mutate(c.version)}
          busy={remove.isPending}
          error={remove.error}
        />
      </Dialog>
    </>
  );
}

export default function CollectionsPage() {
  const { id } = useParams();
  return id ? <CollectionDetail key={id} id={id} /> : <CollectionList />;
}

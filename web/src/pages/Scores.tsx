// The score library: adding scores (upload, URL, IMSLP), browsing (all, mine, public,
// favourites) and searching with facets. The view and the search are in the address, so
// the back button and links keep them.
import { useEffect, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { useInfiniteQuery } from "@tanstack/react-query";
import { api, query } from "../api/client";
import type { Page } from "../api/types";
import { useSession } from "../auth/session";
import { Button, Card, Empty, ErrorBanner, PageHeader, Select, Spinner } from "../components/ui";
import { keys, useFavorites } from "../components/scores/data";
import { ScoreGrid } from "../components/scores/ScoreCard";
import { Facets } from "../components/scores/Facets";
import { Tabs, tabPanelProps } from "../components/scores/Tabs";
import { UploadPanel } from "../components/scores/UploadPanel";
import { UrlImport } from "../components/scores/UrlImport";
import { ImslpImport } from "../components/scores/ImslpImport";
import type { Score, SearchResult } from "../components/scores/types";

const views = ["all", "mine", "public", "favorites"] as const;
type View = (typeof views)[number];
const addModes = ["upload", "url", "imslp"] as const;
type AddMode = (typeof addModes)[number];

const filterParams = ["composer", "instrument", "period", "difficulty"] as const;
const pageSize = 24;

function AddScores() {
  const { t } = useTranslation("scores");
  const [mode, setMode] = useState<AddMode>("upload");
  return (
    <Card title={t("add.title")}>
      <Tabs id="add" label={t("add.title")} value={mode} onChange={setMode} options={addModes.map((m) => ({ value: m, label: t(`add.${m}`) }))} />
      <div {...tabPanelProps("add", mode)} className="score-tab-panel">
        {mode === "upload" ? <UploadPanel /> : mode === "url" ? <UrlImport /> : <ImslpImport />}
      </div>
    </Card>
  );
}

function LoadMore({ more, busy, onMore }: { more: boolean; busy: boolean; onMore: () => void }) {
  const { t } = useTranslation("common");
  if (!more) return null;
  return (
    <div className="row score-more">
      <Button type="button" busy={busy} onClick={onMore}>
        {t("more")}
      </Button>
    </div>
  );
}

/** Browse: a page of scores of a scope at a time, newest first. */
function Browse({ view }: { view: Exclude<View, "favorites"> }) {
  const { t } = useTranslation("scores");
  const userId = useSession((s) => s.user?.id);
  const list = useInfiniteQuery({
    queryKey: keys.scoreList(view),
    queryFn: ({ pageParam, signal }) =>
      api<Page<Score>>("/api/scores" + query({ scope: view === "all" ? undefined : view, limit: pageSize, cursor: pageParam }), { signal }),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor || undefined,
    // Scores being processed change status soon: look again now and then.
    refetchInterval: (q) => (q.state.data?.pages.some((p) => p.items.some((s) => s.status === "processing")) ? 5000 : false),
  });
  if (list.isPending) return <Spinner />;
  if (!list.data) return <ErrorBanner error={list.error} />;
  const scores = list.data.pages.flatMap((p) => p.items);
  if (!scores.length) return <Empty>{t(`empty.${view}`)}</Empty>;
  return (
    <>
      <ScoreGrid scores={scores} userId={userId} />
      <ErrorBanner error={list.isFetchNextPageError ? list.error : null} />
      <LoadMore more={list.hasNextPage} busy={list.isFetchingNextPage} onMore={() => void list.fetchNextPage()} />
    </>
  );
}

function Favorites() {
  const { t } = useTranslation("scores");
  const userId = useSession((s) => s.user?.id);
  const favorites = useFavorites();
  if (favorites.isPending) return <Spinner />;
  if (favorites.error) return <ErrorBanner error={favorites.error} />;
  if (!favorites.data.scores.length) return <Empty>{t("empty.favorites")}</Empty>;
  return <ScoreGrid scores={favorites.data.scores} userId={userId} />;
}

/** Search: hits, the facets of all hits, and the filters in force. */
function Search({ params, onFilter }: { params: Record<string, string>; onFilter: (param: string, value: string) => void }) {
  const { t } = useTranslation("scores");
  const userId = useSession((s) => s.user?.id);
  const search = useInfiniteQuery({
    queryKey: keys.search(params),
    queryFn: ({ pageParam, signal }) =>
      api<SearchResult>("/api/search" + query({ ...params, limit: pageSize, offset: pageParam || undefined, facets: pageParam ? "false" : undefined }), { signal }),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => {
      const seen = pages.reduce((n, p) => n + p.hits.length, 0);
      return last.hits.length > 0 && seen < last.total ? seen : undefined;
    },
  });
  const active = Object.fromEntries(filterParams.filter((p) => params[p]).map((p) => [p, params[p]]));
  return (
    <div className="score-search-layout">
      <div className="score-search-results">
        {search.isPending ? (
          <Spinner />
        ) : search.error && !search.data ? (
          <ErrorBanner error={search.error} />
        ) : (
          <>
            <p className="muted small" role="status">
              {t("search.results", { count: search.data.pages[0]?.total ?? 0 })}
            </p>
            {search.data.pages[0]?.total ? (
              <ScoreGrid scores={search.data.pages.flatMap((p) => p.hits)} userId={userId} />
            ) : (
              <Empty>{t("search.none")}</Empty>
            )}
            <ErrorBanner error={search.isFetchNextPageError ? search.error : null} />
            <LoadMore more={search.hasNextPage} busy={search.isFetchingNextPage} onMore={() => void search.fetchNextPage()} />
          </>
        )}
      </div>
      {search.data?.pages[0]?.facets ? (
        <aside className="score-search-facets">
          <Facets facets={search.data.pages[0].facets} active={active} onToggle={onFilter} />
        </aside>
      ) : null}
    </div>
  );
}

function Library() {
  const { t } = useTranslation(["scores", "common"]);
  const [params, setParams] = useSearchParams();
  const view: View = (views as readonly string[]).includes(params.get("view") ?? "") ? (params.get("view") as View) : "all";
  const q = params.get("q") ?? "";
  const scope = params.get("scope") === "mine" ? "mine" : "all";
  const searching = params.get("search") === "1" || q !== "" || filterParams.some((p) => params.get(p));
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);

  const update = (change: (p: URLSearchParams) => void) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        change(next);
        return next;
      },
      { replace: true },
    );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    update((p) => {
      p.set("search", "1");
      if (text.trim()) p.set("q", text.trim());
      else p.delete("q");
    });
  };
  const clear = () =>
    update((p) => {
      for (const k of ["search", "q", "scope", ...filterParams]) p.delete(k);
    });
  const toggleFilter = (param: string, value: string) =>
    update((p) => {
      p.set("search", "1");
      if (p.get(param) === value) p.delete(param);
      else p.set(param, value);
    });

  const searchParams: Record<string, string> = { scope };
  if (q) searchParams.q = q;
  for (const p of filterParams) {
    const v = params.get(p);
    if (v) searchParams[p] = v;
  }

  return (
    <Card title={t("library")}>
      <form className="filters score-search" role="search" onSubmit={submit}>
        <div className="field score-search-box">
          <label htmlFor="score-q">{t("search.label")}</label>
          <input id="score-q" type="search" value={text} maxLength={200} placeholder={t("search.placeholder")} onChange={(e) => setText(e.target.value)} />
        </div>
        <Select label={t("search.scope")} value={scope} onChange={(e) => update((p) => (e.target.value === "mine" ? p.set("scope", "mine") : p.delete("scope")))}>
          <option value="all">{t("search.scopeAll")}</option>
          <option value="mine">{t("search.scopeMine")}</option>
        </Select>
        <div className="row">
          <Button type="submit" variant="primary">
            {t("common:search")}
          </Button>
          {searching ? (
            <Button type="button" variant="ghost" onClick={clear}>
              {t("search.clear")}
            </Button>
          ) : null}
        </div>
      </form>

      {searching ? (
        <>
          {filterParams.some((p) => params.get(p)) ? (
            <div className="row score-active-filters" aria-label={t("search.activeFilters")}>
              {filterParams.map((p) => {
                const v = params.get(p);
                if (!v) return null;
                const shown = p === "difficulty" ? t("difficultyValue", { value: v }) : v;
                return (
                  <span className="tag" key={p}>
                    {t(`filter.${p}`)}: {shown}
                    <button type="button" aria-label={t("search.removeFilter", { filter: shown })} onClick={() => toggleFilter(p, v)}>
                      ×
                    </button>
                  </span>
                );
              })}
            </div>
          ) : null}
          <Search params={searchParams} onFilter={toggleFilter} />
        </>
      ) : (
        <>
          <Tabs
            id="view"
            label={t("views.label")}
            value={view}
            onChange={(v) => update((p) => (v === "all" ? p.delete("view") : p.set("view", v)))}
            options={views.map((v) => ({ value: v, label: t(`views.${v}`) }))}
          />
          <div {...tabPanelProps("view", view)} className="score-tab-panel">
            {view === "favorites" ? <Favorites /> : <Browse view={view} />}
          </div>
        </>
      )}
    </Card>
  );
}

export default function ScoresPage() {
  const { t } = useTranslation("scores");
  return (
    <>
      <PageHeader
        title={t("title")}
        actions={
          <Link className="btn btn-secondary" to="/collections">
            {t("collections.title")}
          </Link>
        }
      >
        <p className="muted">{t("intro")}</p>
      </PageHeader>
      <AddScores />
      <Library />
    </>
  );
}

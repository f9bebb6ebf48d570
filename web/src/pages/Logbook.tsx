// The logbook: the practice timer, filters, and the entries, newest first. Entries live on
// this device (IndexedDB) and sync; writes work offline.
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { entryTypes, type LogbookEntry } from "../api/types";
import { useSession } from "../auth/session";
import { useEntities, useSave } from "../offline/context";
import { formatDateTime, formatDuration } from "../i18n/format";
import { Badge, Button, Dialog, Empty, Field, PageHeader, Select, Spinner } from "../components/ui";
import { EntryForm, emptyDraft, type EntryDraft } from "../components/logbook/EntryForm";
import { Timer } from "../components/logbook/Timer";
import { useTimer } from "../components/logbook/timer";

export interface LogbookFilters {
  from: string; // YYYY-MM-DD, inclusive
  to: string; // YYYY-MM-DD, inclusive
  type: string;
  instrument: string;
  piece: string;
  tag: string;
}

const noFilters: LogbookFilters = { from: "", to: "", type: "", instrument: "", piece: "", tag: "" };

/** matches applies the list's filters (the same meaning as the API's). */
export function matches(e: LogbookEntry, f: LogbookFilters): boolean {
  const day = e.practiced_at.slice(0, 10);
  const fold = (s: string) => s.toLocaleLowerCase();
  if (f.from && new Date(e.practiced_at) < new Date(f.from + "T00:00:00")) return false;
  if (f.to && new Date(e.practiced_at) >= new Date(new Date(f.to + "T00:00:00").getTime() + 86_400_000)) return false;
  if (f.type && e.type !== f.type) return false;
  if (f.instrument && fold(e.instrument) !== fold(f.instrument.trim())) return false;
  if (f.piece && !e.pieces.some((p) => fold(`${p.title} ${p.composer ?? ""}`).includes(fold(f.piece.trim())))) return false;
  if (f.tag && !e.tags.some((t) => fold(t) === fold(f.tag.trim()))) return false;
  return day.length === 10;
}

type Editing = { id: string | null; draft: EntryDraft; version: number; original?: LogbookEntry } | null;

const draftFields = ["practiced_at", "duration_minutes", "type", "instrument", "pieces", "techniques", "mood", "notes", "tags"] as const;

export default function Logbook() {
  const { t, i18n } = useTranslation(["logbook", "common"]);
  const user = useSession((s) => s.user);
  const { data: entries, isLoading } = useEntities<LogbookEntry>("logbook_entry");
  const { save, remove } = useSave();
  const [filters, setFilters] = useState<LogbookFilters>(noFilters);
  const [editing, setEditing] = useState<Editing>(null);
  const [shown, setShown] = useState(50);
  const resetTimer = useTimer((s) => s.reset);

  const list = useMemo(
    () => (entries ?? []).filter((e) => matches(e, filters)).sort((a, b) => b.practiced_at.localeCompare(a.practiced_at)),
    [entries, filters],
  );
  const total = list.reduce((n, e) => n + e.duration_minutes, 0);
  const setF = (k: keyof LogbookFilters, v: string) => setFilters((f) => ({ ...f, [k]: v }));

  const submit = async (d: EntryDraft, fromTimer: boolean) => {
    const body = { ...d, goal_ids: d.goal_ids ?? [] };
    if (editing?.id && editing.original) {
      const changed = draftFields.filter((k) => JSON.stringify(editing.original![k]) !== JSON.stringify(d[k]));
      await save("logbook_entry", editing.id, body, changed);
    } else {
      await save("logbook_entry", crypto.randomUUID(), body);
    }
    if (fromTimer) resetTimer();
    setEditing(null);
  };
  const [fromTimer, setFromTimer] = useState(false);

  return (
    <>
      <PageHeader
        title={t("title")}
        actions={
          <Button
            variant="primary"
            onClick={() => {
              setFromTimer(false);
              setEditing({ id: null, draft: emptyDraft(new Date(), user?.primary_instrument ?? ""), version: 0 });
            }}
          >
            {t("new")}
          </Button>
        }
      >
        <p className="muted">{t("summary", { count: list.length, duration: formatDuration(total, i18n.language) })}</p>
      </PageHeader>

      <Timer
        onStop={(startedAt, minutes) => {
          setFromTimer(true);
          setEditing({ id: null, draft: { ...emptyDraft(startedAt, user?.primary_instrument ?? ""), duration_minutes: minutes }, version: 0 });
        }}
      />

      <section className="card" aria-labelledby="filters-title">
        <h2 id="filters-title" className="visually-hidden">
          {t("common:filter")}
        </h2>
        <div className="filters">
          <Field label={t("filters.from")} type="date" value={filters.from} onChange={(e) => setF("from", e.target.value)} />
          <Field label={t("filters.to")} type="date" value={filters.to} onChange={(e) => setF("to", e.target.value)} />
          <Select label={t("type")} value={filters.type} onChange={(e) => setF("type", e.target.value)}>
            <option value="">{t("common:all")}</option>
            {entryTypes.map((x) => (
              <option key={x} value={x}>
                {t(`types.${x}`)}
              </option>
            ))}
          </Select>
          <Field label={t("instrument")} value={filters.instrument} onChange={(e) => setF("instrument", e.target.value)} />
          <Field label={t("filters.piece")} type="search" value={filters.piece} onChange={(e) => setF("piece", e.target.value)} />
          <Field label={t("filters.tag")} value={filters.tag} onChange={(e) => setF("tag", e.target.value)} />
          <Button variant="ghost" onClick={() => setFilters(noFilters)}>
            {t("common:clear")}
          </Button>
        </div>
      </section>

      <section aria-labelledby="entries-title" className="stack" style={{ marginTop: "1rem" }}>
        <h2 id="entries-title">{t("entries")}</h2>
        {isLoading ? (
          <Spinner />
        ) : list.length === 0 ? (
          <Empty>{entries?.length ? t("noMatch") : t("empty")}</Empty>
        ) : (
          <ul className="list">
            {list.slice(0, shown).map((e) => (
              <li key={e.id} className="list-item" data-testid="entry" data-version={e.version}>
                <div>
                  <h3>
                    {e.pieces.length ? e.pieces.map((p) => (p.composer ? `${p.title} (${p.composer})` : p.title)).join(", ") : t(`types.${e.type}`)}
                  </h3>
                  <p className="muted small">
                    {formatDateTime(e.practiced_at, i18n.language, user?.timezone)} · <strong>{formatDuration(e.duration_minutes, i18n.language)}</strong>
                    {e.instrument ? ` · ${e.instrument}` : ""}
                  </p>
                  <div className="row">
                    <Badge tone="info">{t(`types.${e.type}`)}</Badge>
                    {e.mood ? <Badge>{t(`moods.${e.mood}`)}</Badge> : null}
                    {e.techniques.map((x) => (
                      <Badge key={"t" + x}>{x}</Badge>
                    ))}
                    {e.tags.map((x) => (
                      <span className="tag" key={"g" + x}>
                        #{x}
                      </span>
                    ))}
                    {e.version === 0 ? <Badge tone="warn">{t("notSynced")}</Badge> : null}
                  </div>
                  {e.notes ? <p className="entry-notes">{e.notes}</p> : null}
                </div>
                <div className="row">
                  <Button
                    className="btn-small"
                    onClick={() => {
                      setFromTimer(false);
                      setEditing({ id: e.id, draft: e, version: e.version, original: e });
                    }}
                    aria-label={t("editEntry", { when: formatDateTime(e.practiced_at, i18n.language, user?.timezone) })}
                  >
                    {t("common:edit")}
                  </Button>
                  <Button
                    className="btn-small"
                    variant="danger"
                    onClick={() => {
                      if (confirm(t("common:confirmDelete"))) void remove("logbook_entry", e.id);
                    }}
                    aria-label={t("deleteEntry", { when: formatDateTime(e.practiced_at, i18n.language, user?.timezone) })}
                  >
                    {t("common:delete")}
                  </Button>
                </div>
              </li>
            ))}
          </ul>
        )}
        {list.length > shown ? (
          <Button onClick={() => setShown(shown + 50)}>{t("common:more")}</Button>
        ) : null}
      </section>

      <Dialog open={editing !== null} title={editing?.id ? t("editTitle") : t("newTitle")} onClose={() => setEditing(null)}>
        {editing ? <EntryForm initial={editing.draft} onSubmit={(d) => void submit(d, fromTimer)} onCancel={() => setEditing(null)} /> : null}
      </Dialog>
    </>
  );
}

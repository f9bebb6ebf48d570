// A piece's details: notes, links, and its practice from the logbook
// (GET /api/repertoire/:id/stats), which needs the server; offline it says so.
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import type { RepertoireItem } from "../../api/types";
import { useSession } from "../../auth/session";
import { formatDate, formatDateTime, formatDuration } from "../../i18n/format";
import { Badge, Button, ErrorBanner, Spinner } from "../ui";
import { useOnline } from "../goals/useOnline";

/** store.PieceStats */
interface PieceStats {
  sessions: number;
  minutes: number;
  average_minutes: number;
  first_practice_day: string | null;
  last_practiced_at: string | null;
  recent_days: { date: string; minutes: number; sessions: number }[];
  pending: boolean;
}

/** A calendar day (YYYY-MM-DD) shown as that same day, whatever the timezone. */
const day = (d: string, locale: string) => formatDate(d + "T00:00:00Z", locale, "UTC");

function Stats({ item }: { item: RepertoireItem }) {
  const { t, i18n } = useTranslation("repertoire");
  const online = useOnline();
  const timeZone = useSession((s) => s.user?.timezone);
  const synced = item.version > 0;
  const stats = useQuery({
    queryKey: ["remote", "repertoire_item", item.id, "stats"],
    queryFn: ({ signal }) => api<PieceStats>(`/api/repertoire/${item.id}/stats`, { signal }),
    enabled: online && synced,
  });

  if (!online) return <p className="muted small">{t("stats.offline")}</p>;
  if (!synced) return <p className="muted small">{t("stats.notSynced")}</p>;
  if (stats.isPending) return <Spinner />;
  if (stats.isError) return <ErrorBanner error={stats.error} />;

  const s = stats.data;
  const lng = i18n.language;
  if (s.sessions === 0) {
    return (
      <>
        <p className="muted small">{t("stats.none")}</p>
        {s.pending ? <p className="muted small">{t("stats.pending")}</p> : null}
      </>
    );
  }
  return (
    <div className="stack" data-testid="repertoire-stats">
      <dl className="rep-stats">
        <div>
          <dt className="stat-label">{t("stats.sessions")}</dt>
          <dd className="stat">{s.sessions}</dd>
        </div>
        <div>
          <dt className="stat-label">{t("stats.total")}</dt>
          <dd className="stat">{formatDuration(s.minutes, lng)}</dd>
        </div>
        <div>
          <dt className="stat-label">{t("stats.average")}</dt>
          <dd className="stat">{formatDuration(s.average_minutes, lng)}</dd>
        </div>
      </dl>
      <p className="small muted">
        {s.first_practice_day ? t("stats.first", { date: day(s.first_practice_day, lng) }) : null}
        {s.first_practice_day && s.last_practiced_at ? " · " : null}
        {s.last_practiced_at ? t("stats.last", { date: formatDateTime(s.last_practiced_at, lng, timeZone) }) : null}
      </p>
      {s.recent_days.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t("stats.recent")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("stats.day")}</th>
                <th scope="col" className="num">
                  {t("stats.sessions")}
                </th>
                <th scope="col" className="num">
                  {t("stats.time")}
                </th>
              </tr>
            </thead>
            <tbody>
              {s.recent_days.slice(0, 7).map((d) => (
                <tr key={d.date}>
                  <td>{day(d.date, lng)}</td>
                  <td className="num">{d.sessions}</td>
                  <td className="num">{formatDuration(d.minutes, lng)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {s.pending ? <p className="muted small">{t("stats.pending")}</p> : null}
    </div>
  );
}

export function RepertoireDetail({ item, onEdit, onClose }: { item: RepertoireItem; onEdit: () => void; onClose: () => void }) {
  const { t } = useTranslation("repertoire");
  const { target_tempo: target, current_tempo: current } = item;
  return (
    <div className="stack" data-testid="repertoire-detail">
      <p className="row">
        <Badge tone="info">{t(`status.${item.status}`)}</Badge>
        {item.composer ? <span>{item.composer}</span> : null}
      </p>
      <dl className="rep-facts">
        <dt>{t("fields.difficulty")}</dt>
        <dd>{item.difficulty != null ? t("difficultyValue", { value: item.difficulty }) : t("notSet")}</dd>
        <dt>{t("tempo")}</dt>
        <dd>{current != null || target != null ? t("tempoValue", { current: current ?? "–", target: target ?? "–" }) : t("notSet")}</dd>
      </dl>
      {item.notes ? (
        <section>
          <h3>{t("fields.notes")}</h3>
          <p className="rep-notes">{item.notes}</p>
        </section>
      ) : null}
      {item.links?.length ? (
        <section>
          <h3>{t("fields.links")}</h3>
          <ul className="rep-links">
            {item.links.map((l) => (
              <li key={l}>
                <a href={l} target="_blank" rel="noopener noreferrer">
                  {l}
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section>
        <h3>{t("stats.title")}</h3>
        <Stats item={item} />
      </section>
      <div className="row rep-form-actions">
        <Button type="button" onClick={onClose}>
          {t("common:close")}
        </Button>
        <Button type="button" variant="primary" onClick={onEdit}>
          {t("common:edit")}
        </Button>
      </div>
    </div>
  );
}

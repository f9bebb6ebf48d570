// The analytics page's cards. Their charts come from the on-demand chunk (lazyCharts.ts).
import { Suspense, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { formatDuration, formatNumber } from "../../i18n/format";
import { Button, Card, Empty, ErrorBanner, Spinner } from "../ui";
import { csvHref, heatmapPath, streaksPath, summaryPath, useHeatmap, useStreaks, useSummary } from "./api";
import { formatDay } from "./dates";
import { BreakdownChart, CalendarHeatmap, TrendChart } from "./lazyCharts";
import type { AnalyticsSummary, Facet } from "./types";

/** CsvLink downloads a statistics URL as CSV (a plain GET: the session cookie authenticates it). */
export function CsvLink({ path, what, text }: { path: string; what: string; text?: string }) {
  const { t } = useTranslation("analytics");
  return (
    <a className="btn btn-small" href={csvHref(path)} download aria-label={t("csv.label", { what })}>
      <span aria-hidden="true">⤓</span> {text ?? t("csv.button")}
    </a>
  );
}

function ChartSuspense({ children }: { children: ReactNode }) {
  const { t } = useTranslation("analytics");
  return <Suspense fallback={<Spinner label={t("charts.loading")} />}>{children}</Suspense>;
}

/** Stat is one big figure with its label and notes. */
function Stat({ label, value, notes = [] }: { label: string; value: string; notes?: (string | undefined)[] }) {
  return (
    <div className="card analytics-stat">
      <p className="stat-label">{label}</p>
      <p className="stat">{value}</p>
      {notes.filter(Boolean).map((n) => (
        <p key={n} className="small muted">
          {n}
        </p>
      ))}
    </div>
  );
}

export function TotalsStats({ summary }: { summary: AnalyticsSummary }) {
  const { t, i18n } = useTranslation("analytics");
  const locale = i18n.language;
  const { minutes, sessions, days } = summary.totals;
  return (
    <>
      <Stat label={t("totals.time")} value={formatDuration(minutes, locale)} />
      <Stat label={t("totals.sessions")} value={formatNumber(sessions, locale, 0)} />
      <Stat label={t("totals.days")} value={formatNumber(days, locale, 0)} />
      <Stat label={t("totals.average")} value={days > 0 ? formatDuration(minutes / days, locale) : "—"} />
    </>
  );
}

export function StreakStats() {
  const { t, i18n } = useTranslation("analytics");
  const locale = i18n.language;
  const streaks = useStreaks();
  if (streaks.isPending) return <Spinner />;
  if (streaks.error) return <ErrorBanner error={streaks.error} />;
  const s = streaks.data;
  const since = s.current > 0 && s.current_start ? t("streaks.since", { date: formatDay(s.current_start, locale) }) : undefined;
  const currentNotes = s.current > 0 ? [since, s.practiced_today ? undefined : t("streaks.keepGoing")] : [t("streaks.startToday")];
  const longestNote =
    s.longest > 0 && s.longest_start && s.longest_end
      ? t("streaks.range", { from: formatDay(s.longest_start, locale), to: formatDay(s.longest_end, locale) })
      : undefined;
  return (
    <>
      <Stat label={t("streaks.current")} value={t("streaks.days", { count: s.current, formatted: formatNumber(s.current, locale, 0) })} notes={currentNotes} />
      <Stat label={t("streaks.longest")} value={t("streaks.days", { count: s.longest, formatted: formatNumber(s.longest, locale, 0) })} notes={[longestNote]} />
    </>
  );
}

export function StreaksCsv() {
  const { t } = useTranslation("analytics");
  return <CsvLink path={streaksPath} what={t("streaks.title")} text={t("csv.streaks")} />;
}

export function TrendCard({ from, to }: { from: string; to: string }) {
  const { t } = useTranslation("analytics");
  const summary = useSummary(from, to, "day");
  return (
    <Card title={t("trend.title")} actions={<CsvLink path={summaryPath(from, to, "day")} what={t("trend.title")} />}>
      {summary.isPending ? (
        <Spinner />
      ) : summary.error ? (
        <ErrorBanner error={summary.error} />
      ) : summary.data.totals.minutes === 0 ? (
        <Empty>{t("trend.empty")}</Empty>
      ) : (
        <ChartSuspense>
          <TrendChart days={summary.data.groups} />
        </ChartSuspense>
      )}
    </Card>
  );
}

export function FacetCard({ facet, from, to }: { facet: Facet; from: string; to: string }) {
  const { t } = useTranslation("analytics");
  const summary = useSummary(from, to, facet);
  const title = t(`breakdown.title.${facet}`);
  return (
    <Card title={title} actions={<CsvLink path={summaryPath(from, to, facet)} what={title} />}>
      {summary.isPending ? (
        <Spinner />
      ) : summary.error ? (
        <ErrorBanner error={summary.error} />
      ) : summary.data.groups.length === 0 ? (
        <Empty>{t(`breakdown.empty.${facet}`)}</Empty>
      ) : (
        <ChartSuspense>
          <BreakdownChart groups={summary.data.groups} facet={facet} total={summary.data.totals.minutes} />
        </ChartSuspense>
      )}
    </Card>
  );
}

export function HeatmapCard({ today }: { today: string }) {
  const { t, i18n } = useTranslation("analytics");
  const thisYear = Number(today.slice(0, 4));
  const [year, setYear] = useState(thisYear);
  const heatmap = useHeatmap(year);
  const shown = heatmap.data?.year === year ? heatmap.data : undefined;
  const switcher = (
    <div className="row year-switch" role="group" aria-label={t("heatmap.year")}>
      <Button type="button" className="btn-small" onClick={() => setYear(year - 1)} aria-label={t("heatmap.previous", { year: year - 1 })} disabled={year <= 1900}>
        ‹
      </Button>
      <span className="year-switch-year" aria-live="polite">
        {year}
      </span>
      <Button type="button" className="btn-small" onClick={() => setYear(year + 1)} aria-label={t("heatmap.next", { year: year + 1 })} disabled={year >= thisYear}>
        ›
      </Button>
      <CsvLink path={heatmapPath(year)} what={t("heatmap.chartTitle", { year })} />
    </div>
  );
  return (
    <Card title={t("heatmap.title")} actions={switcher}>
      {heatmap.isPending ? (
        <Spinner />
      ) : heatmap.error ? (
        <ErrorBanner error={heatmap.error} />
      ) : (
        <div className={shown ? undefined : "analytics-stale"} aria-busy={!shown || undefined}>
          <p className="muted small">
            {t("heatmap.summary", {
              count: heatmap.data.totals.days,
              formatted: formatNumber(heatmap.data.totals.days, i18n.language, 0),
              total: formatDuration(heatmap.data.totals.minutes, i18n.language),
              year: heatmap.data.year,
            })}
          </p>
          <ChartSuspense>
            <CalendarHeatmap heatmap={heatmap.data} today={today} />
          </ChartSuspense>
        </div>
      )}
    </Card>
  );
}

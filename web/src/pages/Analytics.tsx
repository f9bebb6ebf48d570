// Practice statistics: the trend of a span of days, time by piece, composer and instrument,
// streaks and a calendar heatmap, each downloadable as CSV. The charts are a chunk of their
// own, loaded when the first one is drawn.
import { useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { useSession } from "../auth/session";
import { PageHeader, Select } from "../components/ui";
import { useStreaks, useSummary } from "../components/analytics/api";
import { FacetCard, HeatmapCard, StreakStats, StreaksCsv, TotalsStats, TrendCard } from "../components/analytics/cards";
import { addDays, parseDay, todayIn } from "../components/analytics/dates";

const ranges = [7, 30, 90, 365] as const;
type Range = (typeof ranges)[number];

export default function AnalyticsPage() {
  const { t, i18n } = useTranslation("analytics");
  const timeZone = useSession((s) => s.user?.timezone);
  const [params, setParams] = useSearchParams();
  const asked = Number(params.get("days"));
  const range: Range = ranges.find((r) => r === asked) ?? 30;

  const today = todayIn(timeZone);
  const from = addDays(today, -(range - 1));
  const summary = useSummary(from, today, "day");
  const streaks = useStreaks();
  const pending = summary.data?.pending || streaks.data?.pending;
  const span = new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium", timeZone: "UTC" }).formatRange(parseDay(from), parseDay(today));

  return (
    <>
      <PageHeader
        title={t("title")}
        actions={
          <Select
            className="analytics-range"
            label={t("range.label")}
            value={range}
            onChange={(e) => setParams({ days: e.target.value }, { replace: true })}
          >
            {ranges.map((r) => (
              <option key={r} value={r}>
                {t("range.last", { count: r })}
              </option>
            ))}
          </Select>
        }
      >
        <p className="muted">{t("intro", { span })}</p>
      </PageHeader>

      {pending ? (
        <div className="banner banner-info" role="status">
          {t("pending")}
        </div>
      ) : null}

      <section aria-labelledby="analytics-overview" className="analytics-section">
        <div className="row analytics-section-head">
          <h2 id="analytics-overview">{t("overview")}</h2>
          <StreaksCsv />
        </div>
        <div className="analytics-stats">
          {summary.data ? <TotalsStats summary={summary.data} /> : null}
          <StreakStats />
        </div>
      </section>

      <TrendCard from={from} to={today} />

      <div className="grid-2 analytics-breakdowns">
        <FacetCard facet="piece" from={from} to={today} />
        <FacetCard facet="composer" from={from} to={today} />
        <FacetCard facet="instrument" from={from} to={today} />
      </div>

      <HeatmapCard today={today} />
    </>
  );
}

// The practice charts, drawn as inline SVG (no chart library): the trend (a bar per day with a
// 7-day average line), breakdown bars and a calendar heatmap. Every chart is labelled for
// screen readers and has its figures as a table too. This module is loaded on demand
// (lazyCharts.ts), so it is a chunk of its own.
import { useId, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { formatDuration, formatNumber, formatPercent } from "../../i18n/format";
import { addDays, daysOfYear, formatDay, mondayIndex } from "./dates";
import type { AnalyticsGroup, Facet, Heatmap } from "./types";

/** useWidth follows an element's width (charts are drawn at their real size, text stays legible). */
function useWidth<T extends HTMLElement>(fallback: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(Math.floor(el.clientWidth));
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width;
      if (w) setWidth(Math.floor(w));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width || fallback] as const;
}

interface Row {
  key: string;
  cells: ReactNode[];
}

/** DataTable is a chart's figures, folded away until asked for. */
function DataTable({ caption, head, rows }: { caption: string; head: string[]; rows: Row[] }) {
  const { t } = useTranslation("analytics");
  return (
    <details className="chart-table">
      <summary>{t("charts.showTable")}</summary>
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {head.map((h, i) => (
                <th key={h} scope="col" className={i > 0 ? "num" : undefined}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                {r.cells.map((c, i) =>
                  i === 0 ? (
                    <th key={i} scope="row">
                      {c}
                    </th>
                  ) : (
                    <td key={i} className="num">
                      {c}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** minuteTicks: round steps of the y axis (minutes), from 0 to at least max, about 4 of them. */
function minuteTicks(max: number): number[] {
  const steps = [5, 10, 15, 20, 30, 60, 120, 180, 240, 360, 480, 720];
  const step = steps.find((s) => max / s <= 4) ?? Math.ceil(max / 4 / 60) * 60;
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  return ticks;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

// ---------------------------------------------------------------------------------------
// Trend

/** TrendChart: a bar per practised day (the days come in order, without gaps). */
export function TrendChart({ days }: { days: AnalyticsGroup[] }) {
  const { t, i18n } = useTranslation("analytics");
  const locale = i18n.language;
  const [ref, width] = useWidth<HTMLDivElement>(640);
  const titleId = useId();
  const descId = useId();
  if (days.length === 0) return null;

  const height = 220;
  const minutes = days.map((d) => d.minutes);
  const max = Math.max(...minutes);
  const ticks = minuteTicks(max || 60);
  const top = ticks[ticks.length - 1];
  const tickLabels = ticks.map((v) => formatDuration(v, locale));
  const margin = { top: 10, right: 8, bottom: 26, left: Math.ceil(Math.max(...tickLabels.map((l) => l.length)) * 6.6) + 12 };
  const plotW = Math.max(10, width - margin.left - margin.right);
  const plotH = height - margin.top - margin.bottom;
  const base = margin.top + plotH;
  const band = plotW / days.length;
  const barW = Math.max(1, Math.min(band * 0.72, 28));
  const y = (v: number) => base - (plotH * v) / top;
  const cx = (i: number) => margin.left + i * band + band / 2;

  // The 7-day average shows the trend of a month or more.
  const average = days.length >= 28 ? minutes.map((_, i) => sum(minutes.slice(Math.max(0, i - 6), i + 1)) / Math.min(7, i + 1)) : null;

  const labelCount = Math.max(2, Math.min(days.length, Math.floor(plotW / 75)));
  const labelAt = [...new Set(Array.from({ length: labelCount }, (_, k) => Math.round((k * (days.length - 1)) / (labelCount - 1))))];
  const short = (day: string) => formatDay(day, locale, { month: "short", day: "numeric" });
  const describe = (d: AnalyticsGroup) => `${formatDay(d.key, locale)}: ${formatDuration(d.minutes, locale)}`;
  const practised = days.filter((d) => d.minutes > 0);
  const busiest = practised.reduce<AnalyticsGroup | undefined>((b, d) => (!b || d.minutes > b.minutes ? d : b), undefined);
  const first = days[0].key;
  const last = days[days.length - 1].key;

  return (
    <div ref={ref} className="chart">
      <svg
        data-testid="trend-chart"
        className="chart-svg"
        role="group"
        aria-labelledby={titleId}
        aria-describedby={descId}
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
      >
        <title id={titleId}>{t("trend.chartTitle", { from: formatDay(first, locale), to: formatDay(last, locale) })}</title>
        <desc id={descId}>
          {t("trend.desc", { days: practised.length, total: formatDuration(sum(minutes), locale) })}
          {busiest ? " " + t("trend.busiest", { day: describe(busiest) }) : ""}
        </desc>
        <g aria-hidden="true">
          {ticks.map((v, i) => (
            <g key={v}>
              <line className={i === 0 ? "chart-baseline" : "chart-grid"} x1={margin.left} x2={width - margin.right} y1={y(v)} y2={y(v)} />
              <text className="chart-label" x={margin.left - 6} y={y(v)} dy="0.32em" textAnchor="end">
                {tickLabels[i]}
              </text>
            </g>
          ))}
          {labelAt.map((i) => (
            <text
              key={i}
              className="chart-label"
              x={cx(i)}
              y={height - 8}
              textAnchor={i === 0 ? "start" : i === days.length - 1 ? "end" : "middle"}
            >
              {short(days[i].key)}
            </text>
          ))}
        </g>
        <g>
          {days.map((d, i) => {
            if (d.minutes <= 0) return null;
            const h = Math.max(2, base - y(d.minutes));
            const label = describe(d);
            return (
              <rect key={d.key} data-testid="trend-bar" role="img" aria-label={label} className="chart-bar" x={cx(i) - barW / 2} y={base - h} width={barW} height={h} rx={Math.min(3, barW / 3)}>
                <title>{label}</title>
              </rect>
            );
          })}
        </g>
        {average ? <polyline aria-hidden="true" className="chart-line" points={average.map((v, i) => `${cx(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ")} /> : null}
      </svg>
      {average ? (
        <p className="chart-legend small muted" aria-hidden="true">
          <span className="chart-key chart-key-bar" /> {t("trend.legendDay")} <span className="chart-key chart-key-line" /> {t("trend.legendAverage")}
        </p>
      ) : null}
      <DataTable
        caption={t("trend.tableCaption")}
        head={[t("charts.day"), t("charts.time"), t("charts.sessions")]}
        rows={practised.map((d) => ({ key: d.key, cells: [formatDay(d.key, locale), formatDuration(d.minutes, locale), formatNumber(d.sessions, locale, 0)] }))}
      />
    </div>
  );
}

// ---------------------------------------------------------------------------------------
// Breakdowns

/** groupName: a piece is named with its composer. */
function groupName(g: AnalyticsGroup): string {
  return g.composer ? `${g.label} — ${g.composer}` : g.label;
}

function clip(text: string, chars: number): string {
  return text.length <= chars ? text : text.slice(0, Math.max(1, chars - 1)).trimEnd() + "…";
}

/** BreakdownChart: horizontal bars of the time by piece, composer or instrument (most first). */
export function BreakdownChart({ groups, facet, total, limit = 8 }: { groups: AnalyticsGroup[]; facet: Facet; total: number; limit?: number }) {
  const { t, i18n } = useTranslation("analytics");
  const locale = i18n.language;
  const [ref, width] = useWidth<HTMLDivElement>(360);
  const titleId = useId();
  const shown = groups.slice(0, limit);
  const max = Math.max(...shown.map((g) => g.minutes), 1);
  const rowH = 44;
  const height = shown.length * rowH;
  const value = (g: AnalyticsGroup) =>
    total > 0 ? `${formatDuration(g.minutes, locale)} · ${formatPercent(g.minutes / total, locale)}` : formatDuration(g.minutes, locale);

  return (
    <div ref={ref} className="chart">
      <svg className="chart-svg" role="group" aria-labelledby={titleId} width={width} height={height} viewBox={`0 0 ${width} ${height}`}>
        <title id={titleId}>{t(`breakdown.chartTitle.${facet}`)}</title>
        {shown.map((g, i) => {
          const name = groupName(g);
          const text = value(g);
          const valueW = text.length * 6.8 + 8;
          const yTop = i * rowH;
          const barW = Math.max(2, ((width - 2) * g.minutes) / max);
          return (
            <g key={g.key} role="img" aria-label={`${name}: ${text}`}>
              <title>{`${name}: ${text}`}</title>
              <text className="chart-name" x={0} y={yTop + 15}>
                {clip(name, Math.floor((width - valueW) / 7.4))}
              </text>
              <text className="chart-label" x={width} y={yTop + 15} textAnchor="end">
                {text}
              </text>
              <rect className="chart-track" x={0} y={yTop + 22} width={width} height={12} rx={4} />
              <rect className="chart-bar" x={0} y={yTop + 22} width={barW} height={12} rx={4} />
            </g>
          );
        })}
      </svg>
      {groups.length > shown.length ? <p className="muted small">{t("breakdown.more", { count: groups.length - shown.length })}</p> : null}
      <DataTable
        caption={t(`breakdown.chartTitle.${facet}`)}
        head={[t(`breakdown.column.${facet}`), t("charts.time"), t("charts.sessions"), t("charts.share")]}
        rows={groups.map((g) => ({
          key: g.key,
          cells: [groupName(g), formatDuration(g.minutes, locale), formatNumber(g.sessions, locale, 0), total > 0 ? formatPercent(g.minutes / total, locale) : "—"],
        }))}
      />
    </div>
  );
}

// ---------------------------------------------------------------------------------------
// Calendar heatmap

const monday = "2024-01-01"; // a Monday, to name the weekdays

/** CalendarHeatmap: a year of days in weeks (columns, Monday first), shaded by level 0–4. */
export function CalendarHeatmap({ heatmap, today }: { heatmap: Heatmap; today: string }) {
  const { t, i18n } = useTranslation("analytics");
  const locale = i18n.language;
  const [ref, width] = useWidth<HTMLDivElement>(720);
  const titleId = useId();
  const descId = useId();

  const days = daysOfYear(heatmap.year);
  const practised = new Map(heatmap.days.map((d) => [d.date, d]));
  const offset = mondayIndex(days[0]);
  const cols = Math.ceil((offset + days.length) / 7);
  const left = 34;
  const top = 18;
  const step = Math.max(11, Math.min(20, Math.floor((width - left) / cols)));
  const cell = step - 3;
  const svgW = left + cols * step;
  const svgH = top + 7 * step;
  const max = heatmap.max_minutes;
  const pos = (i: number) => ({ col: Math.floor((offset + i) / 7), row: (offset + i) % 7 });
  const months = Array.from({ length: 12 }, (_, m) => {
    const first = `${heatmap.year}-${String(m + 1).padStart(2, "0")}-01`;
    return { first, col: pos(days.indexOf(first)).col };
  });
  // On a narrow screen the calendar scrolls: it opens on today's weeks.
  const scroller = useRef<HTMLDivElement>(null);
  const todayIndex = days.indexOf(today);
  const todayX = todayIndex < 0 ? -1 : left + pos(todayIndex).col * step;
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || todayX < 0 || el.scrollWidth <= el.clientWidth) return;
    el.scrollLeft = Math.max(0, todayX - el.clientWidth + 3 * step);
  }, [todayX, step]);

  const grade = (level: number) =>
    level === 0 ? t("heatmap.level0") : t("heatmap.level", { level, duration: formatDuration(Math.round((level * max) / 4), locale) });

  return (
    <div ref={ref} className="chart">
      <div ref={scroller} className="heatmap-scroll" tabIndex={0} role="region" aria-label={t("heatmap.scrollLabel", { year: heatmap.year })}>
        <svg className="chart-svg" role="img" aria-labelledby={titleId} aria-describedby={descId} width={svgW} height={svgH} viewBox={`0 0 ${svgW} ${svgH}`}>
          <title id={titleId}>{t("heatmap.chartTitle", { year: heatmap.year })}</title>
          <desc id={descId}>
            {t("heatmap.desc", { days: heatmap.totals.days, total: formatDuration(heatmap.totals.minutes, locale), sessions: heatmap.totals.sessions })}
          </desc>
          {months.map((m) => (
            <text key={m.first} className="chart-label" x={left + m.col * step} y={11}>
              {formatDay(m.first, locale, { month: "short" })}
            </text>
          ))}
          {[0, 2, 4].map((r) => (
            <text key={r} className="chart-label" x={left - 6} y={top + r * step + cell / 2} dy="0.32em" textAnchor="end">
              {formatDay(addDays(monday, r), locale, { weekday: "short" })}
            </text>
          ))}
          {days.map((d, i) => {
            const { col, row } = pos(i);
            const p = practised.get(d);
            const future = d > today;
            const label = p
              ? `${formatDay(d, locale)}: ${formatDuration(p.minutes, locale)} · ${t("charts.sessionCount", { count: p.sessions })}`
              : `${formatDay(d, locale)}: ${future ? "—" : t("heatmap.none")}`;
            return (
              <rect
                key={d}
                className={future && !p ? "heat heat-future" : `heat heat-${p?.level ?? 0}`}
                x={left + col * step}
                y={top + row * step}
                width={cell}
                height={cell}
                rx={2}
              >
                <title>{label}</title>
              </rect>
            );
          })}
        </svg>
      </div>
      <div className="heat-legend small">
        <span className="muted" aria-hidden="true">
          {t("heatmap.less")}
        </span>
        <ul aria-label={t("heatmap.legend")}>
          {[0, 1, 2, 3, 4].map((level) => (
            <li key={level} title={grade(level)}>
              <svg width={12} height={12} aria-hidden="true">
                <rect className={`heat heat-${level}`} width={12} height={12} rx={2} />
              </svg>
              <span className="visually-hidden">{grade(level)}</span>
            </li>
          ))}
        </ul>
        <span className="muted" aria-hidden="true">
          {t("heatmap.more")}
        </span>
        {max > 0 ? <span className="muted">{t("heatmap.scale", { duration: formatDuration(max, locale) })}</span> : null}
      </div>
      <DataTable
        caption={t("heatmap.chartTitle", { year: heatmap.year })}
        head={[t("charts.day"), t("charts.time"), t("charts.sessions"), t("heatmap.levelColumn")]}
        rows={heatmap.days.map((d) => ({
          key: d.date,
          cells: [formatDay(d.date, locale), formatDuration(d.minutes, locale), formatNumber(d.sessions, locale, 0), d.level],
        }))}
      />
    </div>
  );
}

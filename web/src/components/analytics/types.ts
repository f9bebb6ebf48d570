// The practice statistics' shapes (internal/store/analytics.go). Days are "YYYY-MM-DD",
// the user's local days.

export type GroupBy = "day" | "week" | "month" | "piece" | "composer" | "instrument" | "type" | "mood";
export type Facet = "piece" | "composer" | "instrument";

export interface AnalyticsTotals {
  minutes: number;
  sessions: number;
  days: number; // days practised
}

export interface AnalyticsGroup {
  key: string; // a day's date, or a facet's folded name
  label: string;
  composer?: string; // pieces
  minutes: number;
  sessions: number;
  days?: number; // weeks and months
}

export interface AnalyticsSummary {
  from: string;
  to: string;
  group_by: GroupBy;
  totals: AnalyticsTotals;
  groups: AnalyticsGroup[];
  pending: boolean;
}

export interface Streaks {
  today: string;
  current: number;
  current_start: string | null;
  longest: number;
  longest_start: string | null;
  longest_end: string | null;
  last_practice_day: string | null;
  practiced_today: boolean;
  pending: boolean;
}

export interface HeatmapDay {
  date: string;
  minutes: number;
  sessions: number;
  level: number; // 1–4, against the year's busiest day
}

export interface Heatmap {
  year: number;
  days: HeatmapDay[];
  max_minutes: number;
  totals: AnalyticsTotals;
  pending: boolean;
}

// The charts, loaded on demand: the first chart shown fetches the charts' chunk.
import { lazy } from "react";

const charts = () => import("./charts");

export const TrendChart = lazy(() => charts().then((m) => ({ default: m.TrendChart })));
export const BreakdownChart = lazy(() => charts().then((m) => ({ default: m.BreakdownChart })));
export const CalendarHeatmap = lazy(() => charts().then((m) => ({ default: m.CalendarHeatmap })));

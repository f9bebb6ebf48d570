// The practice statistics' requests. Every key starts with ["analytics"]: the app invalidates
// it after logbook writes. While the rollups have not caught up (pending), they are read again.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, query } from "../../api/client";
import type { AnalyticsSummary, GroupBy, Heatmap, Streaks } from "./types";

const pendingInterval = (data: { pending: boolean } | undefined) => (data?.pending ? 3000 : false);

export const summaryPath = (from: string, to: string, groupBy: GroupBy) => `/api/analytics/summary${query({ from, to, group_by: groupBy })}`;
export const streaksPath = "/api/analytics/streaks";
export const heatmapPath = (year: number) => `/api/analytics/heatmap${query({ year })}`;

/** csvHref is the CSV download of a statistics URL (the session cookie authenticates it). */
export const csvHref = (path: string) => path + (path.includes("?") ? "&" : "?") + "format=csv";

export function useSummary(from: string, to: string, groupBy: GroupBy) {
  return useQuery({
    queryKey: ["analytics", "summary", groupBy, from, to],
    queryFn: ({ signal }) => api<AnalyticsSummary>(summaryPath(from, to, groupBy), { signal }),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => pendingInterval(q.state.data),
  });
}

export function useStreaks() {
  return useQuery({
    queryKey: ["analytics", "streaks"],
    queryFn: ({ signal }) => api<Streaks>(streaksPath, { signal }),
    refetchInterval: (q) => pendingInterval(q.state.data),
  });
}

export function useHeatmap(year: number) {
  return useQuery({
    queryKey: ["analytics", "heatmap", year],
    queryFn: ({ signal }) => api<Heatmap>(heatmapPath(year), { signal }),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => pendingInterval(q.state.data),
  });
}

// Server data of the scores area: query keys and the hooks the pages share. Every key starts
// with ["remote", <entity kind>] so the sync engine can invalidate it when another device
// changes a favourite or a collection.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, query } from "../../api/client";
import type { Page } from "../../api/types";
import type { Collection, FavoritesResponse, Score } from "./types";

export const keys = {
  scores: ["remote", "score"] as const,
  scoreList: (scope: string) => ["remote", "score", "list", scope] as const,
  search: (params: Record<string, string>) => ["remote", "score", "search", params] as const,
  score: (id: string) => ["remote", "score", "detail", id] as const,
  favorites: ["remote", "favorite"] as const,
  collections: ["remote", "collection"] as const,
  collectionList: ["remote", "collection", "list"] as const,
  collection: (id: string) => ["remote", "collection", "detail", id] as const,
  imports: ["remote", "import"] as const,
  importList: ["remote", "import", "list"] as const,
  importStatus: (id: string) => ["remote", "import", "status", id] as const,
  importItems: (id: string) => ["remote", "import", "items", id] as const,
};

/** ifMatch is the If-Match header of an edit of version v. */
export const ifMatch = (v: number) => ({ "If-Match": `"${v}"` });

/** newKey makes an Idempotency-Key (crypto.randomUUID needs a secure context). */
export function newKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** scoreTitle: the title, else the file's name. */
export const scoreTitle = (s: Pick<Score, "title" | "filename">) => s.title || s.filename;

export function useFavorites() {
  return useQuery({
    queryKey: keys.favorites,
    queryFn: ({ signal }) => api<FavoritesResponse>("/api/favorites", { signal }),
  });
}

/** useFavoriteToggle marks or unmarks a favourite, showing the change at once. */
export function useFavoriteToggle() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ score, on }: { score: Score; on: boolean }) => api<void>(`/api/scores/${score.id}/favorite`, { method: on ? "PUT" : "DELETE" }),
    onMutate: async ({ score, on }) => {
      await qc.cancelQueries({ queryKey: keys.favorites });
      const before = qc.getQueryData<FavoritesResponse>(keys.favorites);
      if (before) {
        const rest = before.scores.filter((s) => s.id !== score.id);
        qc.setQueryData<FavoritesResponse>(keys.favorites, { scores: on ? [score, ...rest] : rest });
      }
      return { before };
    },
    onError: (_err, _vars, ctx) => {
      if (ctx?.before) qc.setQueryData(keys.favorites, ctx.before);
    },
    onSettled: () => qc.invalidateQueries({ queryKey: keys.favorites }),
  });
}

/** useCollections: my collections (the first 100, enough for a picker). */
export function useCollectionPicker() {
  return useQuery({
    queryKey: [...keys.collectionList, "picker"],
    queryFn: ({ signal }) => api<Page<Collection>>("/api/collections" + query({ limit: 100 }), { signal }),
  });
}

/** formatBytes: 1536 → "1.5 kB" in the language's own units. */
export function formatBytes(bytes: number, locale: string): string {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte"] as const;
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return new Intl.NumberFormat(locale, { style: "unit", unit: units[i], unitDisplay: "short", maximumFractionDigits: 1 }).format(v);
}

// The dictionary's requests and query keys. Every key starts with ["remote", "dictionary"].
import { useQuery } from "@tanstack/react-query";
import { api, ApiError, query, request } from "../../api/client";
import { locales, matchLocale, type AppLocale } from "../../i18n";
import type {
  DefinitionRequest,
  DictionaryEntry,
  FeedbackSummary,
  PopularResponse,
  SearchMode,
  SemanticRequest,
  TermSearchResponse,
  TranslationsResponse,
} from "./types";

export const dictionaryKeys = {
  all: ["remote", "dictionary"] as const,
  search: (q: string, lang: AppLocale, mode: SearchMode) => ["remote", "dictionary", "search", lang, mode, q] as const,
  popular: (lang: AppLocale) => ["remote", "dictionary", "popular", lang] as const,
  term: (term: string, lang?: AppLocale) => (lang ? (["remote", "dictionary", "term", term, lang] as const) : (["remote", "dictionary", "term", term] as const)),
  translations: (term: string) => ["remote", "dictionary", "translations", term] as const,
  job: (id: number) => ["remote", "dictionary", "job", id] as const,
};

const termPath = (term: string) => `/api/terms/${encodeURIComponent(term)}`;

/** termHref is the client's page of a term in a language. */
export const termHref = (term: string, lang: AppLocale) => `/dictionary/${encodeURIComponent(term)}?lang=${encodeURIComponent(lang)}`;

/** asDictionaryLang reads a language tag as one of the dictionary's, else undefined. */
export function asDictionaryLang(tag: string | null | undefined): AppLocale | undefined {
  if (!tag) return undefined;
  return (locales as readonly string[]).includes(tag) ? (tag as AppLocale) : matchLocale(tag);
}

export const isNotFound = (err: unknown) => err instanceof ApiError && err.status === 404;

/** A job's states that will not change any more (River's). */
const finishedStates = new Set(["completed", "cancelled", "discarded"]);
export const isFinished = (state: string | undefined) => state !== undefined && finishedStates.has(state);

export function useTermSearch(q: string, lang: AppLocale, mode: SearchMode) {
  return useQuery({
    queryKey: dictionaryKeys.search(q, lang, mode),
    queryFn: ({ signal }) => api<TermSearchResponse>(`/api/search/terms${query({ q, lang, mode, limit: 20 })}`, { signal }),
    enabled: q.trim() !== "",
    staleTime: 60_000,
  });
}

export function semanticSearch(body: SemanticRequest) {
  return api<TermSearchResponse>("/api/search/semantic", { method: "POST", body });
}

export function usePopularTerms(lang: AppLocale) {
  return useQuery({
    queryKey: dictionaryKeys.popular(lang),
    queryFn: ({ signal }) => api<PopularResponse>(`/api/analytics/popular${query({ lang, days: 30, limit: 12 })}`, { signal }),
    staleTime: 5 * 60_000,
  });
}

export function useTermEntry(term: string, lang: AppLocale) {
  return useQuery({
    queryKey: dictionaryKeys.term(term, lang),
    queryFn: ({ signal }) => api<DictionaryEntry>(termPath(term) + query({ lang }), { signal }),
    retry: (count, err) => !isNotFound(err) && count < 1,
    staleTime: 5 * 60_000,
  });
}

export function useTranslations(term: string) {
  return useQuery({
    queryKey: dictionaryKeys.translations(term),
    queryFn: ({ signal }) => api<TranslationsResponse>(termPath(term) + "/translations", { signal }),
    staleTime: 5 * 60_000,
  });
}

/** The answer to asking for a definition: the entry when it is there, else the job writing it. */
export type Requested = { entry: DictionaryEntry; job?: undefined } | { entry?: undefined; job: DefinitionRequest };

export async function requestDefinition(term: string, lang: AppLocale): Promise<Requested> {
  const resp = await request(termPath(term) + query({ lang, generate: true }));
  if (resp.status === 202) return { job: (await resp.json()) as DefinitionRequest };
  return { entry: (await resp.json()) as DictionaryEntry };
}

/** requestMissing asks for the term in every language it lacks. */
export function requestMissing(term: string) {
  return api<TranslationsResponse>(termPath(term) + "/translations" + query({ generate: true }));
}

/** useDefinitionJob follows a definition job every 2 s until it is finished. */
export function useDefinitionJob(job: DefinitionRequest) {
  return useQuery({
    queryKey: dictionaryKeys.job(job.job_id),
    queryFn: ({ signal }) => api<DefinitionRequest>(`/api/terms/requests/${job.job_id}`, { signal }),
    initialData: job,
    initialDataUpdatedAt: 0, // fetch the state at once, then every 2 s
    refetchInterval: (q) => (isFinished(q.state.data?.state) ? false : 2000),
    refetchIntervalInBackground: true,
  });
}

export function sendFeedback(entryId: string, helpful: boolean) {
  return api<FeedbackSummary>(`/api/terms/${entryId}/feedback`, { method: "POST", body: { helpful } });
}

/** reportEntry reports an entry; created is false when this reader had already reported this version. */
export async function reportEntry(entryId: string, reason: string, comment: string): Promise<{ created: boolean }> {
  const resp = await request(`/api/terms/${entryId}/report`, { method: "POST", body: { reason, comment } });
  return { created: resp.status === 201 };
}

/** trackView counts that an entry was shown (best effort: a failure is not the reader's problem). */
export function trackView(entryId: string) {
  void api("/api/analytics/track", { method: "POST", body: { events: [{ entry_id: entryId, event: "view" }] } }).catch(() => undefined);
}

/** languageName names a language in a sentence of the interface's language ("Italian",
 * "chinois simplifié"); the tabs and menus name each language in itself (localeNames). */
export function languageName(code: string, uiLocale: string): string {
  const tag = code === "zh-CN" ? "zh-Hans" : code === "zh-TW" ? "zh-Hant" : code;
  try {
    return new Intl.DisplayNames([uiLocale], { type: "language" }).of(tag) ?? code;
  } catch {
    return code;
  }
}

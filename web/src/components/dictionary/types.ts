// The dictionary API's shapes (api/terms.go, internal/store/dictionary*.go).
import type { AppLocale } from "../../i18n";

export const termTypes = ["tempo", "dynamics", "articulation", "form", "genre", "instrument", "technique", "theory", "notation", "period", "general"] as const;

export const searchModes = ["hybrid", "lexical", "semantic"] as const;
export type SearchMode = (typeof searchModes)[number];

export const reportReasons = ["incorrect", "incomplete", "wrong_language", "offensive", "other"] as const;
export type ReportReason = (typeof reportReasons)[number];

export interface Definition {
  concise: string;
  detailed: string;
  etymology: string;
  pronunciation: { ipa: string; syllables: string };
  example: string;
  related: string[] | null;
  references: string[] | null;
  translation?: string;
}

export interface DictionaryEntry {
  id: string;
  term: string;
  lang: AppLocale;
  source_lang: string | null;
  type: string;
  definition: Definition;
  origin: string; // glossary, ai, editor
  quality_score: number | null;
  quality_issues: string[] | null;
  status: string; // published, review
  version: number;
  updated_at: string;
}

export interface TermHit {
  entry_id: string;
  term: string;
  lang: AppLocale;
  type: string;
  concise: string;
}

export interface TermSearchResponse {
  hits: TermHit[];
  mode: SearchMode;
}

export interface SemanticRequest {
  query: string;
  lang?: AppLocale;
  type?: string;
  limit?: number;
}

/** A definition job: the answer (202) to a term that is being written. */
export interface DefinitionRequest {
  job_id: number;
  state: string;
  status_url: string;
  errors?: string[];
}

export interface GenerateResult {
  term: string;
  lang: AppLocale;
  entry?: DictionaryEntry;
  request?: DefinitionRequest;
}

export interface TranslationsResponse {
  term: string;
  translations: DictionaryEntry[];
  missing: AppLocale[];
  requests?: GenerateResult[];
}

export interface FeedbackSummary {
  helpful: number;
  not_helpful: number;
}

export interface Report {
  id: string;
  entry_id: string;
  entry_version: number;
  reason: ReportReason;
  comment: string;
  status: string;
  created_at: string;
}

export interface PopularTerm {
  entry_id: string;
  term: string;
  lang: AppLocale;
  type: string;
  uses: number;
}

export interface PopularResponse {
  days: number;
  terms: PopularTerm[];
}

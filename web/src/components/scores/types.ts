// The API's shapes for scores, search, collections, favourites and imports (see api/scores.go,
// api/collections.go, api/imslp.go, internal/store/scores.go, search.go, collections.go and
// pipelines/imslp/status.go).

export const scoreStatuses = ["processing", "ready", "failed"] as const;
export type ScoreStatus = (typeof scoreStatuses)[number];

export const scoreVisibilities = ["private", "unlisted", "public"] as const;
export type ScoreVisibility = (typeof scoreVisibilities)[number];

/** MetaValue is one extracted metadata value, how sure the extractor is (0–1), and its source. */
export interface MetaValue {
  value: unknown;
  confidence: number;
  source: string;
}

export interface Score {
  id: string;
  owner_id: string;
  status: ScoreStatus;
  failure?: string;
  /** What could not be read of a score that is ready nonetheless (a page OCR failed on). */
  notes?: string[];
  source: string;
  source_url?: string;
  filename: string;
  size_bytes: number;
  sha256: string;
  page_count: number;
  visibility: ScoreVisibility;
  title: string;
  composer: string;
  opus: string;
  difficulty: number | null;
  version: number;
  created_at: string;
  updated_at: string;
  extracted: Record<string, MetaValue> | null;
  corrections: Record<string, unknown> | null;
}

/** The steps of a score's pipeline, in order (pipelines/scores/intake.go). */
export const pipelineSteps = ["split", "render", "text", "metadata", "index"] as const;

/** stepsOf: a run's steps in order; a URL import's begins with fetch (the download). */
export const stepsOf = (p: { steps: Record<string, unknown> }): readonly string[] =>
  p.steps.fetch ? ["fetch", ...pipelineSteps] : pipelineSteps;

export interface RunStep {
  state: "running" | "done" | "failed";
  done: number;
  total: number;
  error?: string;
  started_at: string;
  finished_at?: string;
}

export interface PipelineStatus {
  run_id: string;
  state: "running" | "done" | "failed" | "cancelled";
  step: string;
  steps: Record<string, RunStep>;
  error?: string;
  score_status: ScoreStatus;
}

export interface ScoreResponse extends Score {
  pipeline: PipelineStatus | null;
}

/** The metadata fields an owner may correct (internal/metadata Fields()). */
export const metadataFields = [
  "title",
  "subtitle",
  "composer",
  "arranger",
  "opus",
  "key",
  "time_signature",
  "tempo",
  "instrumentation",
  "difficulty",
  "period",
  "year",
  "language",
  "tags",
] as const;
export type MetadataField = (typeof metadataFields)[number];

export const periods = ["Baroque", "Classical", "Romantic", "Late Romantic", "Impressionist", "Modern", "Contemporary"] as const;

export interface SearchHit extends Score {
  rank: number;
}

export interface FacetCount {
  value: string;
  count: number;
}

export const facetNames = ["composer", "instrumentation", "period", "difficulty"] as const;
export type FacetName = (typeof facetNames)[number];

export interface SearchResult {
  hits: SearchHit[];
  total: number;
  facets?: Partial<Record<FacetName, FacetCount[]>>;
}

export interface Collection {
  id: string;
  owner_id: string;
  name: string;
  description: string;
  visibility: "private" | "public";
  slug: string | null;
  score_count: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface CollectionInput {
  name: string;
  description: string;
  visibility: "private" | "public";
}

export interface CollectionResponse extends Collection {
  scores: Score[];
}

export interface FavoritesResponse {
  scores: Score[];
}

export interface BatchCounts {
  queued: number;
  imported: number;
  duplicate: number;
  skipped: number;
  failed: number;
  cancelled: number;
}

export const batchCountKeys = ["imported", "duplicate", "skipped", "failed", "cancelled", "queued"] as const;

export interface Batch {
  id: string;
  status: "listing" | "running" | "done" | "cancelled" | "failed";
  request: { works: number; composer?: string; instrumentation?: string; limit?: number };
  error?: string;
  total: number;
  counts: BatchCounts;
  progress: number;
  created_at: string;
  finished_at?: string;
}

/** batchEnded: the batch will change no more. */
export const batchEnded = (b: Batch) => b.status !== "listing" && b.status !== "running";

export interface BatchItem {
  work: string;
  state: "queued" | "imported" | "duplicate" | "skipped" | "failed" | "cancelled";
  reason?: string;
  page_id?: number;
  file_index?: number;
  score_id?: string;
  updated_at: string;
}

export interface ImportStatus {
  id: string;
  kind: "score" | "imslp_batch";
  state: string;
  progress: number;
  pipeline?: PipelineStatus;
  batch?: Batch;
}

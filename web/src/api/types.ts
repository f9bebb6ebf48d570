// The API's shapes (see GET /api/openapi.json), as the client uses them.

export type Locale = "en" | "es" | "fr" | "de" | "zh-CN" | "zh-TW";

export interface User {
  id: string;
  email: string;
  display_name: string;
  primary_instrument: string;
  timezone: string;
  locale: Locale;
  role: "user" | "admin";
  version: number;
  created_at: string;
}

export interface ClientConfig {
  google_client_id?: string;
  development: boolean;
  dev_mailbox: boolean;
}

export interface Page<T> {
  items: T[];
  next_cursor?: string;
}

export interface Piece {
  title: string;
  composer?: string;
  score_id?: string;
  minutes?: number;
  measures?: string;
  tempo?: number;
}

export const entryTypes = ["practice", "performance", "lesson", "rehearsal", "technique", "other"] as const;
export type EntryType = (typeof entryTypes)[number];
export const moods = ["frustrated", "neutral", "satisfied", "excited"] as const;
export type Mood = (typeof moods)[number];

export interface LogbookEntry {
  id: string;
  practiced_at: string;
  duration_minutes: number;
  type: EntryType;
  instrument: string;
  pieces: Piece[];
  techniques: string[];
  mood: Mood | null;
  notes: string;
  tags: string[];
  goal_ids: string[];
  version: number;
  created_at?: string;
  updated_at?: string;
}

export const repertoireStatuses = ["planned", "learning", "polished", "performance_ready", "dropped"] as const;
export type RepertoireStatus = (typeof repertoireStatuses)[number];

export interface RepertoireItem {
  id: string;
  title: string;
  composer: string;
  score_id: string | null;
  status: RepertoireStatus;
  difficulty: number | null;
  target_tempo: number | null;
  current_tempo: number | null;
  notes: string;
  links: string[];
  version: number;
  updated_at?: string;
}

export const goalTypes = ["practice_time", "repertoire", "tempo", "custom"] as const;
export type GoalType = (typeof goalTypes)[number];

export interface Goal {
  id: string;
  title: string;
  description: string;
  type: GoalType;
  target_value: number;
  current_value: number;
  unit: string;
  due_date: string | null;
  status: "active" | "completed" | "abandoned";
  version: number;
  updated_at?: string;
}

/** A change of the sync log (docs/sync-protocol.md). */
export interface Change {
  seq: number;
  entity: string;
  id: string;
  op: "upsert" | "delete";
  version?: number;
  data?: unknown;
  fields?: string[];
  device_id: string;
  client_ts: string;
}

export interface PushResult {
  client_change_id: string;
  entity: string;
  id: string;
  status: "applied" | "merged" | "conflict" | "rejected";
  version?: number;
  state?: unknown;
  lost_fields?: string[];
  error?: string;
}

export interface AccountExport {
  /** the change log's cursor the export is the state at: sync on from there. */
  sync_cursor: number;
  preferences?: Record<string, unknown>;
  logbook: LogbookEntry[];
  repertoire: RepertoireItem[];
  goals: Goal[];
}

// A repertoire item as the API takes it (store.RepertoireInput), the form's draft of one,
// and the checks the server would make, so that an edit is never refused after it was saved
// on this device.
import { repertoireStatuses, type RepertoireItem, type RepertoireStatus } from "../../api/types";

/** RepertoireBody is the item's body as PUT /api/repertoire/:id and the sync push take it. */
export type RepertoireBody = Omit<RepertoireItem, "id" | "version" | "updated_at">;

/** The server's limits (internal/store/repertoire.go). */
export const limits = {
  title: 300,
  composer: 200,
  notes: 10000,
  links: 20,
  link: 2000,
  difficulty: [1, 10],
  tempo: [1, 400],
} as const;

export function bodyOf(item: RepertoireItem): RepertoireBody {
  return {
    title: item.title,
    composer: item.composer ?? "",
    score_id: item.score_id ?? null,
    status: item.status,
    difficulty: item.difficulty ?? null,
    target_tempo: item.target_tempo ?? null,
    current_tempo: item.current_tempo ?? null,
    notes: item.notes ?? "",
    links: item.links ?? [],
  };
}

/** changedFields lists the fields whose values differ between two bodies. */
export function changedFields(before: RepertoireBody, after: RepertoireBody): (keyof RepertoireBody)[] {
  return (Object.keys(after) as (keyof RepertoireBody)[]).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

/** Draft is the form's state: numbers as typed, links one per line. */
export interface Draft {
  title: string;
  composer: string;
  status: RepertoireStatus;
  difficulty: string;
  target_tempo: string;
  current_tempo: string;
  notes: string;
  links: string;
}

export function draftOf(item?: RepertoireItem, status: RepertoireStatus = "planned"): Draft {
  const num = (n: number | null | undefined) => (n == null ? "" : String(n));
  return {
    title: item?.title ?? "",
    composer: item?.composer ?? "",
    status: item?.status ?? status,
    difficulty: num(item?.difficulty),
    target_tempo: num(item?.target_tempo),
    current_tempo: num(item?.current_tempo),
    notes: item?.notes ?? "",
    links: (item?.links ?? []).join("\n"),
  };
}

/** A check's failure: the translation key and its values. */
export interface Problem {
  key: string;
  values?: Record<string, string | number>;
}

export type Problems = Partial<Record<keyof Draft, Problem>>;

function wholeNumber(raw: string, [min, max]: readonly [number, number]): { value: number | null; problem?: Problem } {
  const s = raw.trim();
  if (s === "") return { value: null };
  const n = Number(s);
  if (!Number.isInteger(n) || n < min || n > max) return { value: null, problem: { key: "errors.wholeRange", values: { min, max } } };
  return { value: n };
}

function isLink(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    return false;
  }
}

/** parseDraft checks a draft; it returns the body to save, or the problems to show. */
export function parseDraft(d: Draft, scoreId: string | null): { body?: RepertoireBody; problems: Problems } {
  const problems: Problems = {};
  const title = d.title.trim();
  if (!title) problems.title = { key: "errors.required" };
  else if (title.length > limits.title) problems.title = { key: "errors.tooLong", values: { max: limits.title } };
  const composer = d.composer.trim();
  if (composer.length > limits.composer) problems.composer = { key: "errors.tooLong", values: { max: limits.composer } };
  if (!(repertoireStatuses as readonly string[]).includes(d.status)) problems.status = { key: "errors.required" };
  const difficulty = wholeNumber(d.difficulty, limits.difficulty);
  if (difficulty.problem) problems.difficulty = difficulty.problem;
  const target = wholeNumber(d.target_tempo, limits.tempo);
  if (target.problem) problems.target_tempo = target.problem;
  const current = wholeNumber(d.current_tempo, limits.tempo);
  if (current.problem) problems.current_tempo = current.problem;
  if (d.notes.length > limits.notes) problems.notes = { key: "errors.tooLong", values: { max: limits.notes } };
  const links = [...new Set(d.links.split("\n").map((l) => l.trim()).filter(Boolean))];
  const bad = links.find((l) => !isLink(l) || l.length > limits.link);
  if (links.length > limits.links) problems.links = { key: "errors.tooManyLinks", values: { max: limits.links } };
  else if (bad) problems.links = { key: "errors.link", values: { link: bad } };

  if (Object.keys(problems).length > 0) return { problems };
  return {
    problems,
    body: {
      title,
      composer,
      score_id: scoreId,
      status: d.status,
      difficulty: difficulty.value,
      target_tempo: target.value,
      current_tempo: current.value,
      notes: d.notes,
      links,
    },
  };
}

// A goal as the API takes it (store.GoalInput), the form's draft of one, and the checks the
// server would make, so that an edit is never refused after it was saved on this device.
import { goalTypes, type Goal, type GoalType } from "../../api/types";

export const goalStatuses = ["active", "completed", "abandoned"] as const;
export type GoalStatus = (typeof goalStatuses)[number];

/** GoalBody is the goal's body as PUT /api/goals/:id and the sync push take it. */
export type GoalBody = Omit<Goal, "id" | "version" | "updated_at">;

/** The server's limits (internal/store/goals.go). */
export const limits = { title: 300, description: 5000, unit: 30, value: 1_000_000, note: 2000 } as const;

export function bodyOf(goal: Goal): GoalBody {
  return {
    title: goal.title,
    description: goal.description ?? "",
    type: goal.type,
    target_value: goal.target_value,
    current_value: goal.current_value ?? 0,
    unit: goal.unit ?? "",
    due_date: goal.due_date ?? null,
    status: goal.status ?? "active",
  };
}

/** changedFields lists the fields whose values differ between two bodies. */
export function changedFields(before: GoalBody, after: GoalBody): (keyof GoalBody)[] {
  return (Object.keys(after) as (keyof GoalBody)[]).filter((k) => before[k] !== after[k]);
}

/** Draft is the form's state, with the target as typed. */
export interface Draft {
  title: string;
  description: string;
  type: GoalType;
  target_value: string;
  unit: string;
  due_date: string;
  status: GoalStatus;
}

export function draftOf(goal: Goal | undefined, defaultUnit: (type: GoalType) => string): Draft {
  const type = goal?.type ?? "practice_time";
  return {
    title: goal?.title ?? "",
    description: goal?.description ?? "",
    type,
    target_value: goal ? String(goal.target_value) : "",
    unit: goal ? (goal.unit ?? "") : defaultUnit(type),
    due_date: goal?.due_date ?? "",
    status: goal?.status ?? "active",
  };
}

/** A check's failure: the translation key and its values. */
export interface Problem {
  key: string;
  values?: Record<string, string | number>;
}

export type Problems = Partial<Record<keyof Draft, Problem>>;

const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s + "T00:00:00Z"));

/** parseDraft checks a draft; it returns the body to save, or the problems to show. */
export function parseDraft(d: Draft, currentValue: number): { body?: GoalBody; problems: Problems } {
  const problems: Problems = {};
  const title = d.title.trim();
  if (!title) problems.title = { key: "errors.required" };
  else if (title.length > limits.title) problems.title = { key: "errors.tooLong", values: { max: limits.title } };
  if (d.description.length > limits.description) problems.description = { key: "errors.tooLong", values: { max: limits.description } };
  if (!(goalTypes as readonly string[]).includes(d.type)) problems.type = { key: "errors.required" };
  const target = Number(d.target_value.trim());
  if (d.target_value.trim() === "") problems.target_value = { key: "errors.required" };
  else if (!Number.isFinite(target) || target <= 0 || target > limits.value) problems.target_value = { key: "errors.target", values: { max: limits.value } };
  const unit = d.unit.trim();
  if (unit.length > limits.unit) problems.unit = { key: "errors.tooLong", values: { max: limits.unit } };
  if (d.due_date && !isDay(d.due_date)) problems.due_date = { key: "errors.date" };
  if (!(goalStatuses as readonly string[]).includes(d.status)) problems.status = { key: "errors.required" };

  if (Object.keys(problems).length > 0) return { problems };
  return {
    problems,
    body: {
      title,
      description: d.description,
      type: d.type,
      target_value: target,
      current_value: currentValue,
      unit,
      due_date: d.due_date || null,
      status: d.status,
    },
  };
}

/** today is the calendar day (YYYY-MM-DD) in timeZone (the user's), else this device's. */
export function today(timeZone?: string, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  } catch {
    return new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  }
}

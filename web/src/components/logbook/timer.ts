// The practice timer's state, kept in localStorage so a reload or a closed tab does not
// lose a session in progress.
import { create } from "zustand";
import { persist } from "zustand/middleware";

interface TimerState {
  /** startedAt: when the first run began (the entry's practice time). */
  startedAt: number | null;
  /** runningSince: when the current run began; null while paused. */
  runningSince: number | null;
  /** elapsedMs: time of the runs before the current one. */
  elapsedMs: number;
  start(now?: number): void;
  pause(now?: number): void;
  reset(): void;
}

export const useTimer = create<TimerState>()(
  persist(
    (set, get) => ({
      startedAt: null,
      runningSince: null,
      elapsedMs: 0,
      start(now = Date.now()) {
        if (get().runningSince !== null) return;
        set({ startedAt: get().startedAt ?? now, runningSince: now });
      },
      pause(now = Date.now()) {
        const { runningSince, elapsedMs } = get();
        if (runningSince === null) return;
        set({ runningSince: null, elapsedMs: elapsedMs + (now - runningSince) });
      },
      reset() {
        set({ startedAt: null, runningSince: null, elapsedMs: 0 });
      },
    }),
    { name: "mirubato.timer" },
  ),
);

/** elapsed returns the timer's total time in ms at now. */
export function elapsed(s: Pick<TimerState, "runningSince" | "elapsedMs">, now = Date.now()): number {
  return s.elapsedMs + (s.runningSince !== null ? now - s.runningSince : 0);
}

/** minutesOf rounds a practice time to whole minutes, at least one (the logbook's unit). */
export function minutesOf(ms: number): number {
  return Math.min(1440, Math.max(1, Math.round(ms / 60_000)));
}

// Calendar days ("YYYY-MM-DD") without time zones: computed and formatted at UTC midnight, so
// a day never shifts by the viewer's offset.

const dayMs = 86_400_000;

/** parseDay reads "2026-11-23" as that day's UTC midnight. */
export function parseDay(day: string): Date {
  return new Date(day + "T00:00:00Z");
}

export function dayString(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return dayString(new Date(parseDay(day).getTime() + n * dayMs));
}

/** todayIn is the current day in a time zone (the profile's), else the device's. */
export function todayIn(timeZone?: string): string {
  const fmt = (tz?: string) => {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(new Date());
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
    return `${get("year")}-${get("month")}-${get("day")}`;
  };
  try {
    return fmt(timeZone);
  } catch {
    return fmt(); // an unknown zone
  }
}

/** formatDay formats a calendar day, e.g. "Mon, Nov 23, 2026" (options as Intl's). */
export function formatDay(day: string, locale: string, options: Intl.DateTimeFormatOptions = { weekday: "short", year: "numeric", month: "short", day: "numeric" }): string {
  return new Intl.DateTimeFormat(locale, { ...options, timeZone: "UTC" }).format(parseDay(day));
}

/** daysOfYear lists every day of a calendar year. */
export function daysOfYear(year: number): string[] {
  const out: string[] = [];
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += dayMs) out.push(dayString(new Date(t)));
  return out;
}

/** mondayIndex: 0 for Monday … 6 for Sunday. */
export function mondayIndex(day: string): number {
  return (parseDay(day).getUTCDay() + 6) % 7;
}

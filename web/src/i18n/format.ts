// Formatting of numbers, durations and dates for the interface's language, with Intl.

/** formatDuration: 45 → "45 min", 125 → "2 h 5 min" (in the language's own units). */
export function formatDuration(minutes: number, locale: string): string {
  const m = Math.max(0, Math.round(minutes));
  const h = Math.floor(m / 60);
  const rest = m % 60;
  const unit = (value: number, u: "hour" | "minute") =>
    new Intl.NumberFormat(locale, { style: "unit", unit: u, unitDisplay: "short" }).format(value);
  if (h === 0) return unit(rest, "minute");
  if (rest === 0) return unit(h, "hour");
  return `${unit(h, "hour")} ${unit(rest, "minute")}`;
}

/** formatClock: a running timer, 754 s → "12:34", 3754 s → "1:02:34". */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${two(m)}:${two(sec)}`;
}

/** formatDate: a day in the user's timezone, e.g. "Mon, Nov 23, 2026". */
export function formatDate(iso: string | Date, locale: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, { weekday: "short", year: "numeric", month: "short", day: "numeric", timeZone }).format(
    typeof iso === "string" ? new Date(iso) : iso,
  );
}

/** formatDateTime: a moment in the user's timezone, to the minute. */
export function formatDateTime(iso: string | Date, locale: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(typeof iso === "string" ? new Date(iso) : iso);
}

/** formatNumber: grouping and decimals of the language. */
export function formatNumber(n: number, locale: string, maximumFractionDigits = 1): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits }).format(n);
}

/** formatPercent: 0.42 → "42%". */
export function formatPercent(share: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 }).format(share);
}

/** formatAge: how long ago, e.g. 90 s → "2 minutes ago" ("il y a 2 minutes"). */
export function formatAgo(seconds: number, locale: string): string {
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  const s = Math.round(seconds);
  if (s < 60) return rtf.format(-s, "second");
  if (s < 3600) return rtf.format(-Math.round(s / 60), "minute");
  if (s < 86400) return rtf.format(-Math.round(s / 3600), "hour");
  return rtf.format(-Math.round(s / 86400), "day");
}

/** formatSeconds: a span, e.g. 42 → "42 s", 4000 → "1 h 7 min" (queue ages). */
export function formatSeconds(seconds: number, locale: string): string {
  if (seconds < 60) return new Intl.NumberFormat(locale, { style: "unit", unit: "second", unitDisplay: "short", maximumFractionDigits: 0 }).format(seconds);
  return formatDuration(seconds / 60, locale);
}

/** localDateInput: a Date as the value of <input type="datetime-local"> in local time. */
export function localDateTimeInput(d: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

// Days and times, by the clock they belong to. Audit times are RFC 3339 in UTC: "today" for
// them is this computer's local day, never UTC's (a redemption at 8 pm in New York is already
// tomorrow in UTC). Zenoti's times are center-local without an offset: their date is the one
// written, never moved between zones.

const pad = (n: number) => String(n).padStart(2, '0');

/** The local day (YYYY-MM-DD) of `at` on this computer's clock. */
export function localDay(at: Date = new Date()): string {
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/** Whether an RFC 3339 time falls on the same local day as `now` on this computer; false when unreadable. */
export function isLocalToday(iso: string | null | undefined, now: Date = new Date()): boolean {
  if (!iso) return false;
  const at = new Date(iso);
  return Number.isFinite(at.getTime()) && localDay(at) === localDay(now);
}

/** The day (YYYY-MM-DD) written at the start of a center-local time, or null. */
export function writtenDay(local: string | null | undefined): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(local ?? '');
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/** Whole days from `today` (YYYY-MM-DD) to the day of a center-local time; negative when past. */
export function daysUntil(local: string, today: string): number {
  const day = (s: string) => Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10));
  return Math.round((day(local) - day(today)) / 86_400_000);
}

/** "just now", "4 min ago", "3 h ago", "2 days ago" from an RFC 3339 time. */
export function timeAgo(iso: string, now: number = Date.now()): string {
  const then = Date.parse(iso);
  if (!Number.isFinite(then)) return 'at an unknown time';
  const minutes = Math.floor((now - then) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

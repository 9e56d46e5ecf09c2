/**
 * Wall-clock arithmetic in IANA time zones with nothing but `Intl.DateTimeFormat`, so budget
 * periods follow each zone's real rules (DST, historical offset changes) without a tz database
 * dependency. Civil dates are handled as day numbers (days since 1970-01-01 on the proleptic
 * Gregorian calendar), which makes week and month arithmetic plain integer math.
 */

export const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Building a formatter costs far more than using one, and zones are few: keep one per zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      // h23, not hour12:false: the latter prints midnight as "24" on some ICU versions.
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True for any zone name the runtime's ICU knows (`Europe/Paris`, `UTC`, `America/New_York`). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The local wall-clock reading of `instant` in `timeZone`, expressed as if that reading were UTC
 * (so `wallClock(t) - t` is the zone's offset at `t`). Throws RangeError for an unknown zone.
 */
export function wallClock(instant: number, timeZone: string): number {
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  const milliseconds = ((instant % 1000) + 1000) % 1000;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  date.setUTCFullYear(fields.year, fields.month - 1, fields.day);
  date.setUTCHours(fields.hour, fields.minute, fields.second, milliseconds);
  return date.getTime();
}

/** The local civil day number of `instant` in `timeZone`. */
export function localDay(instant: number, timeZone: string): number {
  return Math.floor(wallClock(instant, timeZone) / DAY_MS);
}

/** Offsets stay within ±26 h of UTC in every zone's history, with room to spare. */
const SEARCH_SPAN_MS = 30 * 3_600_000;

/**
 * The first instant of local day `day` in `timeZone`: the instant whose previous millisecond is
 * on an earlier local day. Usually local midnight; where midnight is skipped by a DST jump it is
 * the end of the gap (e.g. 01:00), and where midnight repeats it is the first occurrence.
 */
export function startOfLocalDay(day: number, timeZone: string): number {
  const wall = day * DAY_MS;
  const isStart = (instant: number): boolean => localDay(instant, timeZone) >= day && localDay(instant - 1, timeZone) < day;
  // Fast path: local midnight under the offset in force a day before or a day after. One of them
  // is right unless a transition falls oddly close to midnight (checked, never assumed).
  const guesses = [wall - offsetAt(wall - DAY_MS, timeZone), wall - offsetAt(wall + DAY_MS, timeZone)].filter(isStart);
  if (guesses.length > 0) return Math.min(...guesses);
  // Slow path: a gap that does not end exactly at midnight (e.g. 23:30 -> 00:30). Bisect for the
  // first millisecond of the day; at most ~28 steps over the 60 h span.
  let before = wall - SEARCH_SPAN_MS;
  let after = wall + SEARCH_SPAN_MS;
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (localDay(middle, timeZone) >= day) after = middle;
    else before = middle;
  }
  return after;
}

function offsetAt(instant: number, timeZone: string): number {
  return wallClock(instant, timeZone) - instant;
}

/** 0 for Monday … 6 for Sunday (1970-01-01, day 0, was a Thursday). */
export function weekdayFromMonday(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** The day number of the 1st of the month containing `day`, and of the 1st of the next month. */
export function monthBounds(day: number): { first: number; next: number } {
  const date = new Date(day * DAY_MS);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return { first: utcDay(year, month, 1), next: utcDay(year, month + 1, 1) };
}

function utcDay(year: number, monthIndex: number, dayOfMonth: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, dayOfMonth);
  return Math.floor(date.getTime() / DAY_MS);
}

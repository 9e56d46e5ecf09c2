/**
 * Budget periods as calendar windows in the budget owner's time zone: a day starts at local
 * midnight, a week on Monday, a month on the 1st. Windows are half-open, [start, end), in epoch
 * ms, and consecutive windows abut exactly, so a request always lands in exactly one window.
 */
import { localDay, monthBounds, startOfLocalDay, weekdayFromMonday } from './local-time.js';

export const BUDGET_PERIODS = ['day', 'week', 'month', 'total'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

export interface PeriodWindow {
  /** First instant of the window (epoch ms); 0 for `total`, which never resets. */
  start: number;
  /** First instant of the next window (epoch ms), i.e. when the budget resets; null for `total`. */
  end: number | null;
}

const TOTAL_WINDOW: PeriodWindow = Object.freeze({ start: 0, end: null });

/** The civil day that opens the period containing `day`, and the one that opens the next. */
function periodDays(period: 'day' | 'week' | 'month', day: number): { first: number; next: number } {
  switch (period) {
    case 'day':
      return { first: day, next: day + 1 };
    case 'week': {
      const monday = day - weekdayFromMonday(day);
      return { first: monday, next: monday + 7 };
    }
    case 'month':
      return monthBounds(day);
  }
}

/** Every request computes its windows; they change once a day at most, so remember the last one. */
const lastWindows = new Map<string, { start: number; end: number }>();

/**
 * The window of `period` in `timeZone` that contains `now`. Throws RangeError for a zone the
 * runtime does not know (validate zones when loading config with `isValidTimeZone`).
 */
export function periodWindow(period: BudgetPeriod, timeZone: string, now: number): PeriodWindow {
  if (period === 'total') return TOTAL_WINDOW;
  const cacheKey = `${period}|${timeZone}`;
  const cached = lastWindows.get(cacheKey);
  if (cached !== undefined && cached.start <= now && now < cached.end) return { ...cached };

  let { first, next } = periodDays(period, localDay(now, timeZone));
  let start = startOfLocalDay(first, timeZone);
  let end = startOfLocalDay(next, timeZone);
  // Where a DST change moves the clock back across midnight, `now` can read as the previous day
  // while lying after that day's end; step until the window really contains `now`.
  while (now < start) {
    ({ first, next } = periodDays(period, first - 1));
    end = start;
    start = startOfLocalDay(first, timeZone);
  }
  while (now >= end) {
    ({ first, next } = periodDays(period, next));
    start = end;
    end = startOfLocalDay(next, timeZone);
  }
  lastWindows.set(cacheKey, { start, end });
  return { start, end };
}

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DAY_MS, isValidTimeZone, localDay, wallClock, weekdayFromMonday } from './local-time.js';
import { BUDGET_PERIODS, periodWindow } from './period.js';

/**
 * Zones chosen for their awkward rules: DST jumps at midnight (Azores, Santiago, Havana, Beirut,
 * Sao Paulo before 2019), half-hour DST (Lord Howe), negative DST (Dublin), odd offsets
 * (Kathmandu, Chatham), a skipped calendar day (Apia, 2011-12-30) and plain ones.
 */
const ZONES = [
  'UTC',
  'America/New_York',
  'Europe/London',
  'Europe/Dublin',
  'Atlantic/Azores',
  'America/Santiago',
  'America/Havana',
  'Asia/Beirut',
  'America/Sao_Paulo',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'Pacific/Apia',
  'Asia/Tokyo',
  'America/St_Johns',
] as const;

const YEAR_1990 = Date.UTC(1990, 0, 1);
const YEAR_2060 = Date.UTC(2060, 0, 1);
const instants = fc.integer({ min: YEAR_1990, max: YEAR_2060 });
const zones = fc.constantFrom(...ZONES);
const calendarPeriods = fc.constantFrom('day', 'week', 'month' as const);

function iso(instant: number): string {
  return new Date(instant).toISOString();
}

describe('period windows (properties)', () => {
  it('contain now, and abut the windows before and after', () => {
    fc.assert(
      fc.property(calendarPeriods, zones, instants, (period, zone, now) => {
        const window = periodWindow(period, zone, now);
        assert.ok(window.end !== null);
        assert.ok(window.start <= now && now < window.end, `${iso(window.start)} <= ${iso(now)} < ${iso(window.end)}`);
        assert.equal(periodWindow(period, zone, window.end).start, window.end, 'the next window starts where this one ends');
        assert.equal(periodWindow(period, zone, window.start - 1).end, window.start, 'the previous window ends where this one starts');
      }),
      { numRuns: 3000 },
    );
  });

  it('start on a new local day; weeks on Monday, months on the 1st', () => {
    fc.assert(
      fc.property(calendarPeriods, zones, instants, (period, zone, now) => {
        const { start } = periodWindow(period, zone, now);
        const day = localDay(start, zone);
        assert.ok(localDay(start - 1, zone) < day, 'the millisecond before the start is on an earlier local day');
        if (period === 'week') assert.equal(weekdayFromMonday(day), 0, `week of ${iso(now)} in ${zone} starts on a Monday`);
        if (period === 'month') assert.equal(new Date(day * DAY_MS).getUTCDate(), 1, `month of ${iso(now)} in ${zone} starts on the 1st`);
      }),
      { numRuns: 3000 },
    );
  });

  it('start at local midnight unless the zone skipped midnight that day', () => {
    fc.assert(
      fc.property(calendarPeriods, zones, instants, (period, zone, now) => {
        const { start } = periodWindow(period, zone, now);
        const timeOfDay = wallClock(start, zone) % DAY_MS;
        // A skipped midnight shows as the clock jumping forward at the start.
        const skippedMidnight = wallClock(start, zone) - wallClock(start - 1, zone) > 1;
        assert.ok(timeOfDay === 0 || skippedMidnight, `${iso(start)} in ${zone} reads ${timeOfDay} ms after midnight`);
      }),
      { numRuns: 2000 },
    );
  });

  it('last 23 to 25 hours a day in zones with at most one-hour DST', () => {
    fc.assert(
      fc.property(zones.filter((zone) => zone !== 'Pacific/Apia'), instants, (zone, now) => {
        const { start, end } = periodWindow('day', zone, now);
        assert.ok(end !== null && end - start >= 23 * 3_600_000 && end - start <= 25 * 3_600_000, `${zone} ${iso(now)}: ${iso(start)}..${iso(end ?? 0)}`);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('period windows (examples)', () => {
  it('a spring-forward day in New York lasts 23 hours, a fall-back day 25', () => {
    assert.deepEqual(periodWindow('day', 'America/New_York', Date.UTC(2025, 2, 9, 12)), {
      start: Date.UTC(2025, 2, 9, 5),
      end: Date.UTC(2025, 2, 10, 4),
    });
    assert.deepEqual(periodWindow('day', 'America/New_York', Date.UTC(2025, 10, 2, 12)), {
      start: Date.UTC(2025, 10, 2, 4),
      end: Date.UTC(2025, 10, 3, 5),
    });
  });

  it('a week runs Monday to Monday', () => {
    // 2025-06-04 is a Wednesday.
    assert.deepEqual(periodWindow('week', 'UTC', Date.UTC(2025, 5, 4, 15)), { start: Date.UTC(2025, 5, 2), end: Date.UTC(2025, 5, 9) });
    assert.deepEqual(periodWindow('week', 'UTC', Date.UTC(2025, 5, 2)), { start: Date.UTC(2025, 5, 2), end: Date.UTC(2025, 5, 9) });
    assert.deepEqual(periodWindow('week', 'UTC', Date.UTC(2025, 5, 2) - 1), { start: Date.UTC(2025, 4, 26), end: Date.UTC(2025, 5, 2) });
  });

  it('a month follows the local calendar, not UTC', () => {
    // 16:00 UTC on 31 January is already 1 February in Tokyo.
    assert.deepEqual(periodWindow('month', 'Asia/Tokyo', Date.UTC(2025, 0, 31, 16)), {
      start: Date.UTC(2025, 0, 31, 15),
      end: Date.UTC(2025, 1, 28, 15),
    });
    assert.deepEqual(periodWindow('month', 'UTC', Date.UTC(2024, 1, 29, 23)), { start: Date.UTC(2024, 1, 1), end: Date.UTC(2024, 2, 1) });
  });

  it('when midnight is skipped (Azores, 2025-03-30), the day starts at the end of the gap', () => {
    // 00:00 UTC-1 jumps to 01:00 UTC+0: both are 01:00Z, so the day starts at 01:00 local.
    const window = periodWindow('day', 'Atlantic/Azores', Date.UTC(2025, 2, 30, 12));
    assert.deepEqual(window, { start: Date.UTC(2025, 2, 30, 1), end: Date.UTC(2025, 2, 31, 0) });
    assert.equal(wallClock(window.start, 'Atlantic/Azores'), Date.UTC(2025, 2, 30, 1));
  });

  it('when midnight repeats (Azores, 2025-10-26), the day starts at its first occurrence', () => {
    // 01:00 UTC+0 falls back to 00:00 UTC-1, so 00:00-01:00 local happens twice.
    assert.deepEqual(periodWindow('day', 'Atlantic/Azores', Date.UTC(2025, 9, 26, 12)), {
      start: Date.UTC(2025, 9, 26, 0),
      end: Date.UTC(2025, 9, 27, 1),
    });
  });

  it('when the clock falls back from midnight to 23:00 (Santiago, 2025-04-06), the repeated hour belongs to the earlier day', () => {
    const repeatedHour = Date.UTC(2025, 3, 6, 3, 30); // 23:30 on the 5th, second time round
    assert.deepEqual(periodWindow('day', 'America/Santiago', repeatedHour), {
      start: Date.UTC(2025, 3, 5, 3),
      end: Date.UTC(2025, 3, 6, 4),
    });
  });

  it('a skipped calendar day (Apia, 2011-12-30) leaves no gap between the days around it', () => {
    const thursday = periodWindow('day', 'Pacific/Apia', Date.UTC(2011, 11, 29, 12));
    const saturday = periodWindow('day', 'Pacific/Apia', thursday.end ?? 0);
    assert.equal(saturday.start, thursday.end);
    assert.equal(new Date(wallClock(saturday.start, 'Pacific/Apia')).toISOString(), '2011-12-31T00:00:00.000Z');
  });

  it('total never resets; unknown zones are refused', () => {
    assert.deepEqual(periodWindow('total', 'UTC', Date.UTC(2025, 0, 1)), { start: 0, end: null });
    assert.deepEqual(BUDGET_PERIODS, ['day', 'week', 'month', 'total']);
    assert.throws(() => periodWindow('day', 'Mars/Olympus_Mons', Date.UTC(2025, 0, 1)), RangeError);
    assert.equal(isValidTimeZone('Mars/Olympus_Mons'), false);
    assert.equal(isValidTimeZone('Europe/Paris'), true);
  });
});

import { describe, expect, it } from 'vitest';
import { daysUntil, isLocalToday, localDay, timeAgo, writtenDay } from './dates';

// `npm run test:unit` runs in America/New_York: UTC-5 in November, UTC-4 in summer.
describe('the test zone', () => {
  it('is not UTC, so that the day boundaries below mean something', () => {
    expect(new Date('2026-11-22T12:00:00Z').getTimezoneOffset()).toBe(300);
    expect(new Date('2026-07-01T12:00:00Z').getTimezoneOffset()).toBe(240);
  });
});

describe('localDay', () => {
  it("is this computer's day, not UTC's", () => {
    // 8 pm in New York is already the next day in UTC.
    const evening = new Date('2026-11-23T01:00:00Z');
    expect(evening.toISOString().slice(0, 10)).toBe('2026-11-23');
    expect(localDay(evening)).toBe('2026-11-22');
  });

  it('turns at local midnight', () => {
    expect(localDay(new Date(2026, 10, 22, 23, 59, 59, 999))).toBe('2026-11-22');
    expect(localDay(new Date(2026, 10, 23, 0, 0, 0, 0))).toBe('2026-11-23');
    expect(localDay(new Date(2026, 11, 31, 23, 59))).toBe('2026-12-31');
    expect(localDay(new Date(2027, 0, 1, 0, 0))).toBe('2027-01-01');
  });
});

describe('isLocalToday', () => {
  const now = new Date(2026, 10, 22, 23, 30); // 11:30 pm on Nov 22 in New York (04:30Z on the 23rd)

  it('counts a time late in the local evening as today although UTC has moved on', () => {
    expect(isLocalToday('2026-11-23T04:15:00Z', now)).toBe(true);
    expect(isLocalToday('2026-11-22T05:00:00Z', now)).toBe(true); // local midnight
  });

  it('does not count the minute before local midnight, or after the next one', () => {
    expect(isLocalToday('2026-11-22T04:59:59Z', now)).toBe(false); // 11:59:59 pm on the 21st
    expect(isLocalToday('2026-11-23T05:00:00Z', now)).toBe(false); // midnight on the 23rd
  });

  it('reads times written with an offset', () => {
    expect(isLocalToday('2026-11-22T23:59:00-05:00', now)).toBe(true);
    expect(isLocalToday('2026-11-23T00:30:00+01:00', now)).toBe(true); // 6:30 pm on the 22nd here
  });

  it('keeps the local day on the day the clocks go back (25 hours long)', () => {
    const fallBack = new Date(2026, 10, 1, 23, 0);
    expect(isLocalToday('2026-11-01T04:00:00Z', fallBack)).toBe(true); // 12:00 am EDT
    expect(isLocalToday('2026-11-02T04:30:00Z', fallBack)).toBe(true); // 11:30 pm EST
    expect(isLocalToday('2026-11-02T05:00:00Z', fallBack)).toBe(false);
  });

  it('is false for nothing or an unreadable time', () => {
    expect(isLocalToday('', now)).toBe(false);
    expect(isLocalToday(null, now)).toBe(false);
    expect(isLocalToday('yesterday', now)).toBe(false);
  });
});

describe('writtenDay', () => {
  it('takes the date as written, never moved between zones', () => {
    expect(writtenDay('2026-11-22T23:30:00')).toBe('2026-11-22');
    expect(writtenDay('2026-11-22 00:10:00.000')).toBe('2026-11-22');
    expect(writtenDay('22/11/2026')).toBeNull();
    expect(writtenDay(null)).toBeNull();
  });
});

describe('daysUntil', () => {
  it('counts whole days between written dates, past ones negative', () => {
    expect(daysUntil('2026-11-22T23:59:00', '2026-11-22')).toBe(0);
    expect(daysUntil('2026-11-23T00:00:00', '2026-11-22')).toBe(1);
    expect(daysUntil('2026-11-21T23:00:00', '2026-11-22')).toBe(-1);
    expect(daysUntil('2027-01-01T00:00:00', '2026-12-31')).toBe(1);
  });

  it('is not thrown by daylight saving or leap days', () => {
    expect(daysUntil('2026-03-09T10:00:00', '2026-03-08')).toBe(1); // clocks go forward on the 8th
    expect(daysUntil('2026-11-02T10:00:00', '2026-11-01')).toBe(1); // and back on Nov 1
    expect(daysUntil('2028-03-01T00:00:00', '2028-02-28')).toBe(2);
  });
});

describe('timeAgo', () => {
  const now = Date.parse('2026-11-22T15:00:00Z');
  const ago = (ms: number) => timeAgo(new Date(now - ms).toISOString(), now);

  it('says it in minutes, hours, then days', () => {
    expect(ago(59_000)).toBe('just now');
    expect(ago(60_000)).toBe('1 min ago');
    expect(ago(59 * 60_000)).toBe('59 min ago');
    expect(ago(60 * 60_000)).toBe('1 h ago');
    expect(ago(47 * 3600_000 + 59 * 60_000)).toBe('47 h ago');
    expect(ago(48 * 3600_000)).toBe('2 days ago');
  });

  it('calls a time in the future (another clock) just now, and an unreadable one unknown', () => {
    expect(ago(-5 * 60_000)).toBe('just now');
    expect(timeAgo('not a time', now)).toBe('at an unknown time');
  });
});

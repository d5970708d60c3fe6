import { describe, expect, it } from 'vitest';
import { formatCenterDate, formatCenterTime, formatCount, formatLocalTime, formatMoney, maskCard, maskPhone, packageTypeLabel, updateProgressText } from './format';

// Intl writes a narrow no-break space before AM/PM and a no-break space before €: compare with plain ones.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('formatMoney', () => {
  it("writes the center's currency the center's way", () => {
    expect(formatMoney('1234.5', 'USD', 'en-US')).toBe('$1,234.50');
    expect(plain(formatMoney('1234.5', 'EUR', 'de-DE'))).toBe('1.234,50 €');
    expect(formatMoney('1234.5', 'CAD', 'en-CA')).toBe('$1,234.50');
    expect(formatMoney('0', 'USD', 'en-US')).toBe('$0.00');
    expect(formatMoney('-5', 'USD', 'en-US')).toBe('-$5.00');
  });

  it('writes two decimals without a currency', () => {
    expect(formatMoney('1234.5', null, 'en-US')).toBe('1,234.50');
    expect(formatMoney('1234.567', null, 'en-US')).toBe('1,234.57');
  });

  it("rounds what has more decimals by the one rule, Rust's: half to even, on the decimal as written", () => {
    expect(formatMoney('0.125', 'USD', 'en-US')).toBe('$0.12');
    expect(formatMoney('0.135', 'USD', 'en-US')).toBe('$0.14');
    expect(formatMoney('2.675', 'USD', 'en-US')).toBe('$2.68');
    expect(formatMoney(' 25.00 ', 'USD', 'en-US')).toBe('$25.00');
    expect(formatMoney('0.125', null, 'en-US')).toBe('0.12');
  });

  it('writes a dash for nothing, and an unreadable amount as it came', () => {
    expect(formatMoney(null, 'USD', 'en-US')).toBe('—');
    expect(formatMoney(undefined, 'USD', 'en-US')).toBe('—');
    expect(formatMoney('', 'USD', 'en-US')).toBe('—');
    expect(formatMoney('n/a', 'USD', 'en-US')).toBe('n/a');
  });

  it('falls back for a currency or culture Intl does not know', () => {
    expect(formatMoney('12.5', 'DOLLARS', 'en-US')).toBe('12.50 DOLLARS');
    expect(formatMoney('0.125', 'DOLLARS', 'en-US')).toBe('0.12 DOLLARS');
    expect(formatMoney('12.5', 'USD', 'not a culture!')).toBe('$12.50');
  });
});

describe('formatCount', () => {
  it('groups digits by the culture', () => {
    expect(formatCount(1240, 'en-US')).toBe('1,240');
    expect(formatCount(1240, 'de-DE')).toBe('1.240');
    expect(formatCount(0, 'en-US')).toBe('0');
  });
});

describe('masks', () => {
  it('shows a phone by its last four digits', () => {
    expect(maskPhone('(512) 555-1000')).toBe('•••1000');
    expect(maskPhone('1000')).toBe('1000');
    expect(maskPhone('')).toBe('');
    expect(maskPhone(null)).toBe('');
  });

  it('shows a card by its last four digits', () => {
    expect(maskCard('XXXXXXXXXXXX4242')).toBe('•••• 4242');
    expect(maskCard('XXXX')).toBe('');
    expect(maskCard(null)).toBe('');
  });
});

describe('packageTypeLabel', () => {
  it('names the known types and calls a new one Other', () => {
    expect(packageTypeLabel('Series')).toEqual({ label: 'Series', css: 'series' });
    expect(packageTypeLabel('9')).toEqual({ label: 'Other (9)', css: 'other' });
    expect(packageTypeLabel(null)).toEqual({ label: 'Unknown', css: 'other' });
  });
});

describe('center-local times', () => {
  it("are written on the center's clock, never moved into this computer's zone", () => {
    // The tests run in New York: a naive reading would move these by five hours.
    expect(plain(formatCenterTime('2026-11-22T14:03:00', 'en-US'))).toBe('Nov 22, 2026, 2:03 PM');
    expect(plain(formatCenterTime('2026-11-22 23:30:00.000', 'en-US'))).toBe('Nov 22, 2026, 11:30 PM');
    expect(plain(formatCenterTime('2026-11-22T00:10', 'en-US'))).toBe('Nov 22, 2026, 12:10 AM');
    expect(formatCenterDate('2026-11-22T23:59:00', 'en-US')).toBe('Nov 22, 2026');
    expect(formatCenterDate('2026-01-01T00:00:00', 'de-DE')).toBe('01.01.2026');
  });

  it('are shown as they came when unreadable, and a missing date as a dash', () => {
    expect(formatCenterTime('soon', 'en-US')).toBe('soon');
    expect(formatCenterDate('soon', 'en-US')).toBe('soon');
    expect(formatCenterDate(null, 'en-US')).toBe('—');
  });
});

describe('formatLocalTime', () => {
  it("writes an RFC 3339 time on this computer's clock", () => {
    // 03:00 UTC on the 23rd is 10 pm on the 22nd in New York.
    expect(plain(formatLocalTime('2026-11-23T03:00:00Z', 'en-US'))).toBe('11/22/2026, 10:00:00 PM');
    expect(plain(formatLocalTime('2026-11-23T03:00:00Z', 'en-US', true))).toBe('10:00:00 PM');
    expect(formatLocalTime('2026-11-23T03:00:00Z', 'de-DE')).toBe('22.11.2026, 22:00:00');
  });

  it('shows an unreadable time as it came', () => {
    expect(formatLocalTime('later', 'en-US')).toBe('later');
  });
});

describe('updateProgressText', () => {
  it('says the percentage when the size is known, else the kilobytes', () => {
    expect(updateProgressText({ kind: 'downloading', received: 512, total: 1024 })).toBe('Downloading… 50 %');
    expect(updateProgressText({ kind: 'downloading', received: 2048, total: 1024 })).toBe('Downloading… 100 %');
    expect(updateProgressText({ kind: 'downloading', received: 5120, total: null })).toBe('Downloading… 5 KB');
    expect(updateProgressText({ kind: 'downloading', received: 5120, total: 0 })).toBe('Downloading… 5 KB');
    expect(updateProgressText({ kind: 'installing' })).toBe('Installing…');
    expect(updateProgressText(null)).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import { compareKnownFirst, compareNames, putFirst } from './sort';

describe('compareNames', () => {
  const sorted = (names: (string | null)[]) => [...names].sort(compareNames);

  it('ignores case and accents, and reads numbers as numbers', () => {
    expect(sorted(['room 10', 'Room 2', 'room 1'])).toEqual(['room 1', 'Room 2', 'room 10']);
    expect(compareNames('émile', 'Emile')).toBe(0);
    expect(sorted(['Zoë', 'Éclat', 'Amber'])).toEqual(['Amber', 'Éclat', 'Zoë']);
  });

  it('puts missing and blank names last', () => {
    expect(sorted([null, 'Bravo', '  ', 'Alpha'])).toEqual(['Alpha', 'Bravo', null, '  ']);
    expect(compareNames(null, undefined)).toBe(0);
  });
});

describe('compareKnownFirst', () => {
  const prices = [30, null, 10, 20, null];

  it('sorts up or down with the unknown last either way', () => {
    expect([...prices].sort((a, b) => compareKnownFirst(a, b, 1))).toEqual([10, 20, 30, null, null]);
    expect([...prices].sort((a, b) => compareKnownFirst(a, b, -1))).toEqual([30, 20, 10, null, null]);
  });

  it('keeps equal numbers equal', () => {
    expect(compareKnownFirst(5, 5, 1)).toBe(0);
    expect(compareKnownFirst(0, null, -1)).toBeLessThan(0);
  });
});

describe('putFirst', () => {
  it('moves the chosen ones first and keeps each part in order', () => {
    const invoices = [{ n: 1, g: 'b' }, { n: 2, g: 'a' }, { n: 3, g: 'b' }, { n: 4, g: 'a' }];
    expect(putFirst(invoices, (i) => i.g === 'a').map((i) => i.n)).toEqual([2, 4, 1, 3]);
  });

  it('copes with none, all and an empty list, without changing the list given', () => {
    const list = [1, 2, 3];
    expect(putFirst(list, () => false)).toEqual([1, 2, 3]);
    expect(putFirst(list, () => true)).toEqual([1, 2, 3]);
    expect(putFirst([], () => true)).toEqual([]);
    expect(list).toEqual([1, 2, 3]);
  });
});

import { describe, expect, it } from 'vitest';
import type { Unexpected } from '../../bindings/Unexpected';
import { codeParts, outcomeLabel, seenWords, sentWords, unexpectedWords, verdictWords } from './checkWords';

const unexpected = (fields: Partial<Unexpected>): Unexpected => ({
  endpoint: 'GET /v1/centers/{id}/packages', kind: 'undecodable', path: 'packages[0].id', expected: 'a string', found: 'a number',
  value: null, ...fields,
});

describe('the connection report', () => {
  it('says the verdict in words', () => {
    expect(verdictWords('as_expected')).toBe('Zenoti answers the way Front Desk expects.');
    expect(verdictWords('works_with_differences')).toBe(
      "Everything works, but this organization's Zenoti differs from the documentation in places (below). Front Desk adapts to it.",
    );
    expect(verdictWords('problems')).toBe('Some calls failed: see the rows marked Failed.');
    expect(verdictWords('partly_checked')).toMatch(/^What was checked works, but not everything could be checked .* Run the check again later/);
  });

  it('gives each outcome a word and a symbol', () => {
    expect(outcomeLabel('ok')).toEqual({ symbol: '✓', word: 'OK' });
    expect(outcomeLabel('unexpected')).toEqual({ symbol: '!', word: 'Differs' });
    expect(outcomeLabel('failed')).toEqual({ symbol: '✗', word: 'Failed' });
    expect(outcomeLabel('skipped')).toEqual({ symbol: '–', word: 'Not run' });
  });

  it('counts the calls sent', () => {
    expect(sentWords({ calls: 11, base_url: 'https://api.zenoti.com' })).toBe('11 calls sent to Zenoti at https://api.zenoti.com, nothing written.');
    expect(sentWords({ calls: 1, base_url: 'https://api.zenoti.com' })).toBe('1 call sent to Zenoti at https://api.zenoti.com, nothing written.');
  });
});

describe('an answer not as expected', () => {
  it('says where, what was expected and the type Zenoti sent', () => {
    expect(unexpectedWords(unexpected({}))).toBe('`packages[0].id`: expected a string, Zenoti sent a number');
    expect(unexpectedWords(unexpected({ kind: 'tolerated', path: 'invoice.transactions[0].payment_option', expected: 'an object', found: 'text' })))
      .toBe('`invoice.transactions[0].payment_option`: expected an object, Zenoti sent text (read as absent)');
  });

  it('names an unknown code with its type, and kept', () => {
    expect(unexpectedWords(unexpected({ kind: 'unknown_value', path: 'packages[0].type', expected: 'a known PackageType', found: 'a number', value: '99' })))
      .toBe('`packages[0].type`: a value Front Desk does not know (a number 99), kept as it came');
    expect(unexpectedWords(unexpected({ kind: 'unknown_value', path: 'lines[1].colour', found: 'text', value: null })))
      .toBe('`lines[1].colour`: a value Front Desk does not know (text), kept as it came');
  });

  it('says "somewhere in the answer" when the place is not known', () => {
    expect(unexpectedWords(unexpected({ path: '' }))).toBe('somewhere in the answer: expected a string, Zenoti sent a number');
  });
});

describe('the diagnostics log', () => {
  it('says how often', () => {
    expect(seenWords(1)).toBe('seen 1 time');
    expect(seenWords(3)).toBe('seen 3 times');
    expect(seenWords(1200)).toBe('seen 1,200 times');
  });
});

describe('text with code in backticks', () => {
  it('is cut into plain and code parts', () => {
    expect(codeParts('`packages[0].id`: expected a string')).toEqual([
      { text: 'packages[0].id', code: true },
      { text: ': expected a string', code: false },
    ]);
    expect(codeParts('The package list answered with `page_Info`; both spellings are read.')).toEqual([
      { text: 'The package list answered with ', code: false },
      { text: 'page_Info', code: true },
      { text: '; both spellings are read.', code: false },
    ]);
    expect(codeParts('No backticks.')).toEqual([{ text: 'No backticks.', code: false }]);
    expect(codeParts('')).toEqual([]);
    expect(codeParts('An odd ` tick stays')).toEqual([{ text: 'An odd ` tick stays', code: false }]);
  });
});

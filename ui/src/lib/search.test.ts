import { describe, expect, it } from 'vitest';
import { fold, hasAllWords, haystackOf, isGuid, matches, narrows, queryWords } from './search';

describe('fold', () => {
  it('drops letter case and accents', () => {
    expect(fold('José Müller-Ångström')).toBe('jose muller-angstrom');
    expect(fold('CRÈME BRÛLÉE')).toBe('creme brulee');
    expect(fold('Ñandú Çağrı')).toBe('nandu cagri');
  });

  it('folds text already written with combining marks like precomposed text', () => {
    expect(fold('Jose\u0301')).toBe(fold('Jos\u00e9'));
  });

  it('spells out letters that have no separate accent', () => {
    expect(fold('Straße')).toBe('strasse');
    expect(fold('Søren Æbelø')).toBe('soren aebelo');
    expect(fold('Łódź')).toBe('lodz');
    expect(fold('İstanbul')).toBe('istanbul');
  });

  it('is empty for nothing', () => {
    expect(fold('')).toBe('');
    expect(fold(null)).toBe('');
    expect(fold(undefined)).toBe('');
  });
});

describe('queryWords', () => {
  it('splits on any whitespace and folds each word', () => {
    expect(queryWords('  Hot\tStone \n MASSAGE ')).toEqual(['hot', 'stone', 'massage']);
  });

  it('has no words for blank text', () => {
    expect(queryWords('')).toEqual([]);
    expect(queryWords('   ')).toEqual([]);
    expect(queryWords(null)).toEqual([]);
  });
});

describe('hasAllWords', () => {
  const hay = haystackOf(['Signature Facial', 'PKG-0005', 'A calming facial']);

  it('needs every word, in any order', () => {
    expect(hasAllWords(hay, ['facial', 'signature'])).toBe(true);
    expect(hasAllWords(hay, ['facial', 'massage'])).toBe(false);
  });

  it('matches everything with no words', () => {
    expect(hasAllWords(hay, [])).toBe(true);
    expect(hasAllWords('', [])).toBe(true);
  });

  it('matches parts of words (a code typed half way)', () => {
    expect(hasAllWords(hay, ['pkg-00'])).toBe(true);
  });
});

describe('matches', () => {
  it('finds accented names from plain typing, and plain names from accented typing', () => {
    expect(matches(['José García'], 'jose garcia')).toBe(true);
    expect(matches(['Jose Garcia'], 'JOSÉ')).toBe(true);
    expect(matches(['Zoë'], 'zoe')).toBe(true);
  });

  it('lets the words match different fields', () => {
    expect(matches(['Serenity Day Spa - Downtown', 'SDS-DT', 'Austin'], 'downtown austin')).toBe(true);
    expect(matches(['Serenity Day Spa - Downtown', 'SDS-DT', 'Austin'], 'downtown dallas')).toBe(false);
  });

  it('skips missing fields, and blank typing matches', () => {
    expect(matches([null, undefined, 'Lakeside'], 'lake')).toBe(true);
    expect(matches([null], '')).toBe(true);
    expect(matches([], 'x')).toBe(false);
  });

  it('does not run words together across fields', () => {
    expect(matches(['Day', 'Spa'], 'dayspa')).toBe(false);
  });
});

describe('narrows', () => {
  it('holds while the text is typed on, in any case', () => {
    expect(narrows('hyd', 'hydra')).toBe(true);
    expect(narrows('Hydra', 'hydra facial')).toBe(true);
    expect(narrows('', 'a')).toBe(true);
  });

  it('does not hold once a letter is removed or changed', () => {
    expect(narrows('hydra', 'hyd')).toBe(false);
    expect(narrows('hydra', 'hydro')).toBe(false);
  });
});

describe('isGuid', () => {
  it('knows an id from a printed number', () => {
    expect(isGuid('0000001e-0000-4000-8000-000000000001')).toBe(true);
    expect(isGuid(' 0000001E-0000-4000-8000-00000000000A ')).toBe(true);
    expect(isGuid('SDS16671')).toBe(false);
    expect(isGuid('0000001e-0000-4000-8000-00000000000')).toBe(false);
    expect(isGuid('')).toBe(false);
    expect(isGuid(null)).toBe(false);
  });
});

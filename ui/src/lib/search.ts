// Searching the way a receptionist types: letter case and accents do not matter ("jose" finds
// "José", "MULLER" finds "Müller"), and every word typed must appear, in any order.

/** Letters that carry no separate accent mark in Unicode, written the way they are typed. */
const SPELLED: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };
const SPELLED_RE = /[ßæœøłđðþı]/g;
const MARKS = /\p{M}+/gu;

/** `text` in lower case without accents: what searches compare. */
export function fold(text: string | null | undefined): string {
  if (!text) return '';
  return text.toLowerCase().normalize('NFD').replace(MARKS, '').replace(SPELLED_RE, (c) => SPELLED[c]);
}

/** The words of what was typed, folded; none for blank text. */
export function queryWords(query: string | null | undefined): string[] {
  return fold(query).split(/\s+/).filter(Boolean);
}

/** Whether every word is in `haystack` (already folded). No words match everything. */
export function hasAllWords(haystack: string, words: readonly string[]): boolean {
  for (const w of words) if (!haystack.includes(w)) return false;
  return true;
}

/** A folded haystack of several fields, searched as one (so words may match different fields). */
export function haystackOf(fields: readonly (string | null | undefined)[]): string {
  return fold(fields.filter(Boolean).join('\n'));
}

/** Whether what was typed matches these fields: every word in one field or another. */
export function matches(fields: readonly (string | null | undefined)[], query: string | null | undefined): boolean {
  return hasAllWords(haystackOf(fields), queryWords(query));
}

/**
 * Whether `next` only narrows `previous` (the person typed on): every match of `next` is then a
 * match of `previous`, and only those need searching again.
 */
export function narrows(previous: string, next: string): boolean {
  return fold(next).startsWith(fold(previous));
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a scanned or typed text is an id (a GUID) rather than a printed number. */
export function isGuid(text: string | null | undefined): boolean {
  return GUID.test((text ?? '').trim());
}

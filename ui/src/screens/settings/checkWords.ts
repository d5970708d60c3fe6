// What Settings → Check connection says: the verdict, each probe's outcome, and each answer
// that was not as expected (where, what Front Desk reads there, the type Zenoti sent; never a
// value, except an unknown code). The wording matches the support bundle's.
import type { ConnectionReport } from '../../bindings/ConnectionReport';
import type { ProbeOutcome } from '../../bindings/ProbeOutcome';
import type { Unexpected } from '../../bindings/Unexpected';
import type { Verdict } from '../../bindings/Verdict';
import { formatCount } from '../../lib/format';

/** The report's headline. */
export function verdictWords(verdict: Verdict): string {
  switch (verdict) {
    case 'as_expected':
      return 'Zenoti answers the way Front Desk expects.';
    case 'works_with_differences':
      return "Everything works, but this organization's Zenoti differs from the documentation in places (below). Front Desk adapts to it.";
    case 'problems':
      return 'Some calls failed: see the rows marked Failed.';
    case 'partly_checked':
      return 'What was checked works, but not everything could be checked (rows marked Not run, readings not confirmed). Run the check again later, for example once the center has an invoice today.';
  }
}

/** A probe's outcome as a word and a symbol (never a colour alone). */
export function outcomeLabel(outcome: ProbeOutcome): { symbol: string; word: string } {
  switch (outcome) {
    case 'ok':
      return { symbol: '✓', word: 'OK' };
    case 'unexpected':
      return { symbol: '!', word: 'Differs' };
    case 'failed':
      return { symbol: '✗', word: 'Failed' };
    case 'skipped':
      return { symbol: '–', word: 'Not run' };
  }
}

/** "11 calls sent to Zenoti at https://api.zenoti.com, nothing written." */
export function sentWords(report: Pick<ConnectionReport, 'calls' | 'base_url'>): string {
  const calls = report.calls === 1 ? '1 call' : `${formatCount(report.calls)} calls`;
  return `${calls} sent to Zenoti at ${report.base_url}, nothing written.`;
}

/** One answer not as expected: "`packages[0].id`: expected a string, Zenoti sent a number". */
export function unexpectedWords(u: Pick<Unexpected, 'kind' | 'path' | 'expected' | 'found' | 'value'>): string {
  const at = u.path ? `\`${u.path}\`` : 'somewhere in the answer';
  switch (u.kind) {
    case 'undecodable':
      return `${at}: expected ${u.expected}, Zenoti sent ${u.found}`;
    case 'tolerated':
      return `${at}: expected ${u.expected}, Zenoti sent ${u.found} (read as absent)`;
    case 'unknown_value': {
      const what = [u.found, u.value ?? ''].filter((s) => s).join(' ');
      return `${at}: a value Front Desk does not know (${what}), kept as it came`;
    }
  }
}

/** "seen 3 times", "seen 1 time". */
export function seenWords(count: number): string {
  return `seen ${formatCount(count)} ${count === 1 ? 'time' : 'times'}`;
}

/** Text with `code` in backticks, cut into its plain and code parts (for monospace). */
export function codeParts(text: string): { text: string; code: boolean }[] {
  const parts: { text: string; code: boolean }[] = [];
  const ticks = /`([^`]+)`/g;
  let at = 0;
  for (const m of text.matchAll(ticks)) {
    if (m.index > at) parts.push({ text: text.slice(at, m.index), code: false });
    parts.push({ text: m[1], code: true });
    at = m.index + m[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), code: false });
  return parts;
}

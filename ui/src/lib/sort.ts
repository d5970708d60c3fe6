// Orders the UI sorts lists in, written once.

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Names A–Z as people read them: case and accents aside, "Room 2" before "Room 10"; blanks last. */
export function compareNames(a: string | null | undefined, b: string | null | undefined): number {
  const x = a?.trim() ?? '';
  const y = b?.trim() ?? '';
  if (!x || !y) return x ? -1 : y ? 1 : 0;
  return collator.compare(x, y);
}

/** Numbers in `direction` (1 ascending, -1 descending), unknown ones (null) last either way. */
export function compareKnownFirst(a: number | null, b: number | null, direction: 1 | -1): number {
  if (a === null || b === null) return a === null ? (b === null ? 0 : 1) : -1;
  return (a - b) * direction;
}

/** The items for which `first` holds, then the others, each in their own order (a stable split). */
export function putFirst<T>(items: readonly T[], first: (item: T) => boolean): T[] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (first(item) ? yes : no).push(item);
  return [...yes, ...no];
}

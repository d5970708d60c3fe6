// The organization's centers, read once per sign-in: guest searches name a guest's home center
// only by its id.
import { backend, sameId, type Center } from './backend';

let cached: Promise<Center[]> | null = null;

/** The centers (an empty list when they cannot be read: only names are missing then). */
export function loadCenters(): Promise<Center[]> {
  cached ??= backend.listCenters().catch(() => {
    cached = null;
    return [];
  });
  return cached;
}

/** Forgets the centers (another sign-in may be another organization). */
export function forgetCenters() {
  cached = null;
}

/** A center's name, by its id in any letter case. */
export function centerLabel(centers: Center[], id: string | null | undefined): string | null {
  const c = centers.find((c) => sameId(c.id, id));
  return c ? c.display_name || c.name || c.code || c.id : null;
}

/** A guest's home center: named from the centers list by its id, else as the guest search named it. */
export function homeCenterName(centers: Center[], guest: { center_id: string | null; center_name: string | null }): string | null {
  return centerLabel(centers, guest.center_id) ?? guest.center_name;
}

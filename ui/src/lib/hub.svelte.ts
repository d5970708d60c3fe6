// The hub this desk joined, if any: its state for the top bar, Settings and the redemption
// confirmation, and what it tells the screens on show (a live update: a hint to re-read, never
// money to show; a re-read after the hub was away). Rust sends the events; the window listens
// once, from start-up.
import { backend, onEvent, type HubStatus, type HubUpdate } from './backend';

const NONE: HubStatus = { state: 'none', url: null, desk_name: null, center_id: null, trouble: null };

const current = $state<{ status: HubStatus | null }>({ status: null });
/** A state was heard (an event, or a join or leave answered): a slower start-up read is older. */
let heard = false;

export const hub = {
  /** As Rust last said; null until it has. */
  get status(): HubStatus | null {
    return current.status;
  },
  /** A hub is joined (connected or offline). */
  get joined(): boolean {
    return !!current.status && current.status.state !== 'none';
  },
  /** Joined, but the hub cannot be reached: redemptions go straight to Zenoti, without the lease. */
  get offline(): boolean {
    return current.status?.state === 'offline';
  },
};

/** Joined or left (the command's answer), or an event said so. */
export function setHubStatus(status: HubStatus) {
  heard = true;
  current.status = status;
}

export interface HubFollower {
  /** Something happened in Zenoti: re-read what it is about, if it is on screen. */
  update?: (update: HubUpdate) => void;
  /** The hub is back after being away: re-read what is on screen. */
  resync?: (status: HubStatus) => void;
}

const followers = new Set<HubFollower>();

/** A screen hears the hub while it is shown: returns the function that stops it (for onMount). */
export function followHub(follower: HubFollower): () => void {
  followers.add(follower);
  return () => {
    followers.delete(follower);
  };
}

let started = false;

/** At start-up: listens to the hub's events, then reads its state. */
export async function startHub() {
  if (started) return;
  started = true;
  await Promise.all([
    onEvent('hub-status', setHubStatus),
    onEvent('hub-update', (update) => followers.forEach((f) => f.update?.(update))),
    onEvent('hub-resync', (status) => {
      setHubStatus(status);
      followers.forEach((f) => f.resync?.(status));
    }),
  ]).catch(() => {
    // Without the events the state is read once, below, and on every join or leave.
  });
  try {
    const status = await backend.hubStatus();
    if (!heard) current.status = status;
  } catch {
    if (!current.status) current.status = NONE;
  }
}

// A screen's read again on the hub's word: the notice of what happened (and that it is being
// read again), and the read itself, once more if another update came in meanwhile. What the
// screen shows afterwards is what the read found, never what the event said.
import type { IpcError } from './backend';
import { formatLocalTime } from './format';
import type { HubNotice } from './hubWords';

export class Reread {
  notice = $state<HubNotice | null>(null);
  readonly #read: () => Promise<void>;
  readonly #culture: () => string | null | undefined;
  #running: Promise<void> | null = null;
  #again = false;

  /** `read` reads what is on screen again (and rejects with the IpcError when it cannot). */
  constructor(read: () => Promise<void>, culture: () => string | null | undefined = () => null) {
    this.#read = read;
    this.#culture = culture;
  }

  /** Says `text` (`urgent`: as an alert) and reads again; resolves once the screen was read. */
  async run(text: string, urgent = false): Promise<void> {
    // An urgent word (an invoice closed) is not replaced by a lesser one while it is read.
    if (!(this.notice?.urgent && this.notice.reading && !urgent)) {
      this.notice = { text, urgent, reading: true, readAt: null, failed: null };
    }
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#loop();
    try {
      await this.#running;
    } finally {
      this.#running = null;
    }
  }

  async #loop() {
    let failed: IpcError | null = null;
    do {
      this.#again = false;
      if (this.notice) this.notice.reading = true;
      try {
        await this.#read();
        failed = null;
      } catch (e) {
        failed = e as IpcError;
      }
    } while (this.#again);
    if (this.notice) {
      this.notice.reading = false;
      this.notice.failed = failed;
      this.notice.readAt = formatLocalTime(new Date().toISOString(), this.#culture(), true);
    }
  }

  /** The notice goes (dismissed, or what it was about left the screen). */
  clear() {
    this.notice = null;
  }
}

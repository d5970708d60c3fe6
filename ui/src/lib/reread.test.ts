import { describe, expect, it } from 'vitest';
import type { IpcError } from '../bindings/IpcError';
import { Reread } from './reread.svelte';

describe('reading again on the hub\'s word', () => {
  it('says what happened, reads, and reads once more for what came in meanwhile', async () => {
    const done: (() => void)[] = [];
    let reads = 0;
    const reread = new Reread(() => {
      reads += 1;
      return new Promise<void>((resolve) => done.push(resolve));
    });
    const first = reread.run('1 session of Massage Series 10 redeemed at Downtown · desk 2 just now');
    expect([reread.notice?.reading, reads]).toEqual([true, 1]);
    // Two more while the first read is out: one more read covers both, the newest words shown.
    const second = reread.run('2 sessions of Massage Series 10 reversed in Zenoti just now');
    reread.run('The hub is back after being offline');
    expect(reread.notice?.text).toBe('The hub is back after being offline');
    done.shift()!();
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(reads).toBe(2);
    expect(reread.notice?.reading).toBe(true);
    done.shift()!();
    await Promise.all([first, second]);
    expect(reads).toBe(2);
    expect([reread.notice?.reading, reread.notice?.failed]).toEqual([false, null]);
    expect(reread.notice?.readAt).toBeTruthy();
  });

  it('keeps an invoice closed said over a lesser word while it is read, and says why a read failed', async () => {
    const refused: IpcError = { code: 'network', message: 'Front Desk could not reach Zenoti. Check the connection, then try again.', detail: null };
    let fail = true;
    const reread = new Reread(() => (fail ? Promise.reject(refused) : Promise.resolve()));
    const closed = reread.run('This invoice was closed in Zenoti (elsewhere)', true);
    reread.run('A package session was redeemed on this invoice in Zenoti just now');
    expect(reread.notice?.text).toBe('This invoice was closed in Zenoti (elsewhere)');
    await closed;
    expect([reread.notice?.urgent, reread.notice?.failed?.code]).toEqual([true, 'network']);
    fail = false;
    await reread.run('The hub is back after being offline');
    expect([reread.notice?.text, reread.notice?.failed]).toEqual(['The hub is back after being offline', null]);
    reread.clear();
    expect(reread.notice).toBeNull();
  });
});

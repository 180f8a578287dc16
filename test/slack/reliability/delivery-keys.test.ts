import { describe, expect, it } from 'vitest';
import {
  actionDeliveryKey,
  actionIntentKey,
  commandDeliveryKey,
  createMemoryDeliveryLedger,
  eventDeliveryKey,
  messageDeliveryKey,
  stableStringify,
  viewSubmissionKey,
} from '../../../src/slack/reliability/delivery-keys.ts';

const command = {
  team_id: 'T1',
  channel_id: 'C1',
  user_id: 'U1',
  command: '/revgap',
  text: 'top 5',
  trigger_id: '111.222.abc',
};

const click = (actionTs: string, user = 'U1', messageTs = '1700000000.000100') => ({
  type: 'block_actions',
  team: { id: 'T1' },
  user: { id: user },
  container: { type: 'message', channel_id: 'C1', message_ts: messageTs },
  actions: [{ action_id: 'claim', block_id: 'cust-42', value: 'CUST-42', action_ts: actionTs }],
});

describe('delivery keys', () => {
  it('keys an event by its id', () => {
    expect(eventDeliveryKey({ event_id: 'Ev123', event: { type: 'app_mention' } })).toBe('event:Ev123');
    expect(eventDeliveryKey({ event: {} })).toBeNull();
  });

  it('keys a message by type, channel and ts, for re-sends with a new event id', () => {
    expect(messageDeliveryKey({ type: 'message', channel: 'C1', ts: '1.2', team: 'T1' })).toBe(
      'message:T1:C1:1.2',
    );
    // The same message also arrives as an app_mention: a different delivery, not a repeat.
    expect(messageDeliveryKey({ type: 'app_mention', channel: 'C1', ts: '1.2', team: 'T1' })).toBe(
      'app_mention:T1:C1:1.2',
    );
  });

  it('gives a re-sent command the same key, whatever the field order', () => {
    const resent = Object.fromEntries(Object.entries(command).reverse());
    expect(commandDeliveryKey(resent)).toBe(commandDeliveryKey(command));
  });

  it('gives the same command typed again (new trigger id) a new key', () => {
    expect(commandDeliveryKey({ ...command, trigger_id: '999.888.xyz' })).not.toBe(
      commandDeliveryKey(command),
    );
  });

  it('gives a re-sent click the same key and a second click a new one', () => {
    expect(actionDeliveryKey(click('1700000001.1'))).toBe(actionDeliveryKey(click('1700000001.1')));
    expect(actionDeliveryKey(click('1700000002.1'))).not.toBe(actionDeliveryKey(click('1700000001.1')));
  });

  it('treats the same button on the same message by the same user as one intent', () => {
    expect(actionIntentKey(click('1700000002.1'))).toBe(actionIntentKey(click('1700000001.1')));
    expect(actionIntentKey(click('1700000001.1', 'U2'))).not.toBe(actionIntentKey(click('1700000001.1')));
    expect(actionIntentKey(click('1700000001.1', 'U1', '1700000000.000200'))).not.toBe(
      actionIntentKey(click('1700000001.1')),
    );
  });

  it('keys a view submission by view, version and values', () => {
    const body = (note: string) => ({
      user: { id: 'U1' },
      view: { id: 'V1', hash: 'h1', state: { values: { note: { input: { value: note } } } } },
    });
    expect(viewSubmissionKey(body('called'))).toBe(viewSubmissionKey(body('called')));
    expect(viewSubmissionKey(body('emailed'))).not.toBe(viewSubmissionKey(body('called')));
  });

  it('stringifies with sorted keys and without undefined fields', () => {
    expect(stableStringify({ b: 1, a: [{ d: undefined, c: 'x' }] })).toBe('{"a":[{"c":"x"}],"b":1}');
  });
});

describe('createMemoryDeliveryLedger', () => {
  it('lets the first claim of a key through and refuses repeats within the TTL', async () => {
    let t = 0;
    const ledger = createMemoryDeliveryLedger({ ttlMs: 1000, now: () => t });
    expect(await ledger.claim('k')).toBe(true);
    expect(await ledger.claim('k')).toBe(false);
    t = 999;
    expect(await ledger.claim('k')).toBe(false);
    t = 1000;
    expect(await ledger.claim('k')).toBe(true);
  });

  it('stays within its size bound', async () => {
    const ledger = createMemoryDeliveryLedger({ maxEntries: 3, now: () => 0 });
    for (const k of ['a', 'b', 'c', 'd', 'e']) await ledger.claim(k);
    expect(ledger.size()).toBe(3);
    // The oldest went first: 'a' is new again, 'e' is still remembered.
    expect(await ledger.claim('e')).toBe(false);
    expect(await ledger.claim('a')).toBe(true);
  });
});

/**
 * Puts the reliability and access layer on a Bolt app in one call, before listeners are registered:
 * the strict signature/replay guard in front of the HTTP receiver, de-duplication of re-sent
 * deliveries (shared through the store when one is given), and the access policy.
 *
 * Also resolves channel references (`#revenue` or `C0123`) to ids, and looks up channel
 * membership with conversations.members (whole member list cached per channel for a few minutes,
 * so a busy channel costs a few calls per 5 minutes, not one per request).
 */
import type { App, HTTPReceiver, webApi } from '@slack/bolt';
import type { Logger } from '../../logger.ts';
import type { DeliveryKeyStore } from '../../store/state-store.ts';
import { type AccessPolicy, createAccessPolicy } from './create-access-policy.ts';
import {
  createAccessMiddleware,
  createDedupeMiddleware,
  createLayeredLedger,
  createStoreDeliveryLedger,
} from './create-reliability-middleware.ts';
import { createMemoryDeliveryLedger, type DeliveryLedger } from './delivery-keys.ts';
import { createReplayCache, guardHttpReceiver } from './verify-slack-signature.ts';

type Web = Pick<webApi.WebClient, 'conversations'>;

const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;

/** Channel id for `#name`, `name` or an id (ids pass through untouched); null when not found. */
export function createChannelDirectory(web: Web): { resolve(ref: string): Promise<string | null> } {
  let byName: Promise<Map<string, string>> | null = null;
  const load = async (): Promise<Map<string, string>> => {
    const names = new Map<string, string>();
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const result = await web.conversations.list({
        types: 'public_channel,private_channel',
        exclude_archived: true,
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      });
      for (const c of result.channels ?? []) if (c.name && c.id) names.set(c.name, c.id);
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return names;
  };
  return {
    async resolve(ref) {
      const trimmed = ref.trim();
      if (CHANNEL_ID.test(trimmed)) return trimmed;
      byName ??= load();
      byName.catch(() => {
        byName = null;
      });
      return (await byName).get(trimmed.replace(/^#/, '')) ?? null;
    },
  };
}

export interface MemberLookup {
  (userId: string, channelId: string): Promise<boolean>;
  /** Drops cached member lists (after someone joined or left). */
  forget(): void;
}

/** `isChannelMember` backed by conversations.members, one cached member set per channel. */
export function createMemberLookup(
  web: Web,
  options: { ttlMs?: number; now?: () => number } = {},
): MemberLookup {
  const ttl = options.ttlMs ?? 5 * 60 * 1000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { members: Promise<Set<string>>; until: number }>();
  const load = async (channel: string): Promise<Set<string>> => {
    const members = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const result = await web.conversations.members({ channel, limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const m of result.members ?? []) members.add(m);
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return members;
  };
  const lookup = async (userId: string, channelId: string): Promise<boolean> => {
    let entry = cache.get(channelId);
    if (!entry || entry.until <= now()) {
      entry = { members: load(channelId), until: now() + ttl };
      cache.set(channelId, entry);
      entry.members.catch(() => cache.delete(channelId));
    }
    return (await entry.members).has(userId);
  };
  return Object.assign(lookup, { forget: () => cache.clear() });
}

export interface InstallReliabilityOptions {
  app: App;
  /** HTTP mode: the receiver to guard (null in Socket Mode, where Slack's socket is authenticated). */
  httpReceiver: HTTPReceiver | null;
  signingSecret?: string;
  logger: Logger;
  /**
   * Shares de-duplication across instances; without it, de-duplication is per process. Keys older
   * than a week are pruned at start-up and daily (Slack re-sends within minutes).
   */
  store?: DeliveryKeyStore;
  /** Digest channel id (resolve `#names` first with `createChannelDirectory`). */
  digestChannel: string;
  /** Channel ids; empty: the digest channel (and direct messages). */
  allowedChannels?: readonly string[];
  /** User ids; empty: members of the digest channel. */
  allowedUsers?: readonly string[];
  /**
   * Requests that only read and answer the asker (a read-only `/revgap`): de-duplicated in this
   * process's memory only, never through the store (see `createDedupeMiddleware`).
   */
  isReadOnly?: (body: unknown) => boolean;
  /** Default: conversations.members through `app.client`. */
  isChannelMember?: (userId: string, channelId: string) => Promise<boolean>;
  now?: () => number;
}

export interface InstalledReliability {
  policy: AccessPolicy;
  ledger: DeliveryLedger;
  /** Stops the daily pruning timer. */
  stop(): void;
}

const WEEK_MS = 7 * 86_400_000;

export function installReliability(options: InstallReliabilityOptions): InstalledReliability {
  const log = options.logger.child({ component: 'reliability' });
  const now = options.now ?? Date.now;
  if (options.httpReceiver) {
    if (!options.signingSecret) throw new Error('installReliability: HTTP mode needs the signing secret');
    guardHttpReceiver(options.httpReceiver, {
      signingSecret: options.signingSecret,
      now,
      seen: createReplayCache({ now }),
      logger: log,
    });
  }
  const memory = createMemoryDeliveryLedger({ now });
  const ledger = options.store
    ? createLayeredLedger(memory, createStoreDeliveryLedger({ store: options.store, now }), log)
    : memory;
  const members = options.isChannelMember ? null : createMemberLookup(options.app.client, { now });
  const basePolicy = createAccessPolicy({
    digestChannel: options.digestChannel,
    ...(options.allowedChannels ? { allowedChannels: options.allowedChannels } : {}),
    ...(options.allowedUsers ? { allowedUsers: options.allowedUsers } : {}),
    isChannelMember: options.isChannelMember ?? (members as MemberLookup),
    now,
  });
  const policy: AccessPolicy = {
    ...basePolicy,
    forget(userId) {
      members?.forget();
      basePolicy.forget(userId);
    },
  };
  options.app.use(
    createDedupeMiddleware({
      ledger,
      ...(options.isReadOnly ? { isReadOnly: options.isReadOnly, readOnlyLedger: memory } : {}),
      logger: log,
    }),
  );
  options.app.use(createAccessMiddleware({ policy, logger: log }));

  const store = options.store;
  const prune = (): void => {
    store
      ?.pruneDeliveries(new Date(now() - WEEK_MS).toISOString())
      .then((deleted) => log.debug({ deleted }, 'pruned old delivery keys'))
      .catch((error: unknown) => log.warn({ err: error }, 'could not prune old delivery keys'));
  };
  let timer: NodeJS.Timeout | undefined;
  if (store) {
    prune();
    timer = setInterval(prune, 86_400_000);
    timer.unref();
  }
  return { policy, ledger, stop: () => clearInterval(timer) };
}

/**
 * Who may see customer data through `/revgap` and the buttons, and where.
 *
 * Channels: REVGAP_ALLOWED_CHANNELS when set, else the digest channel; direct messages with the bot
 * are allowed by default (only the asking user sees them). Users: REVGAP_ALLOWED_USERS when set,
 * else members of the digest channel (looked up, cached). Anyone else gets a polite refusal and no
 * data. Fails closed: if membership cannot be checked, the answer is a refusal saying so.
 */

export type AccessDecision =
  | { allowed: true }
  | {
      allowed: false;
      /** `channel`: asked in the wrong place; `user`: not allowed; `unavailable`: could not check. */
      reason: 'channel' | 'user' | 'unavailable';
      /** Polite text for the user (ephemeral); names where to ask instead, never any data. */
      message: string;
    };

export interface AccessPolicy {
  check(userId: string, channelId: string): Promise<AccessDecision>;
  /** The user rule alone, for requests without a channel (modal submissions, shortcuts). */
  checkUser(userId: string): Promise<AccessDecision>;
  /** Forget cached memberships (after a member_joined/left_channel event). */
  forget(userId?: string): void;
}

export interface AccessPolicyOptions {
  /** Channel ids allowed; empty or undefined: the digest channel only. */
  allowedChannels?: readonly string[];
  /** User ids allowed; empty or undefined: members of the digest channel. */
  allowedUsers?: readonly string[];
  digestChannel: string;
  /** Is `userId` a member of `channelId`? (conversations.members, paged). */
  isChannelMember: (userId: string, channelId: string) => Promise<boolean>;
  /** Answer in direct messages (channel ids starting with D); default true. */
  allowDirectMessages?: boolean;
  /** How long a membership answer is trusted; default 5 minutes. */
  membershipTtlMs?: number;
  now?: () => number;
}

export function createAccessPolicy(options: AccessPolicyOptions): AccessPolicy {
  const channels = new Set(
    options.allowedChannels && options.allowedChannels.length > 0
      ? options.allowedChannels
      : [options.digestChannel],
  );
  const users =
    options.allowedUsers && options.allowedUsers.length > 0 ? new Set(options.allowedUsers) : null;
  const allowDms = options.allowDirectMessages ?? true;
  const ttl = options.membershipTtlMs ?? 5 * 60 * 1000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { member: boolean; until: number }>();
  const channelList = [...channels].map((c) => `<#${c}>`).join(', ');

  const isMember = async (userId: string): Promise<boolean> => {
    const hit = cache.get(userId);
    if (hit && hit.until > now()) return hit.member;
    const member = await options.isChannelMember(userId, options.digestChannel);
    cache.set(userId, { member, until: now() + ttl });
    return member;
  };

  const checkUser = async (userId: string): Promise<AccessDecision> => {
    if (users) {
      if (users.has(userId)) return { allowed: true };
      return {
        allowed: false,
        reason: 'user',
        message:
          "Sorry, revgap's customer data is limited to its listed users. Ask your revgap admin to add you.",
      };
    }
    try {
      if (await isMember(userId)) return { allowed: true };
    } catch {
      return {
        allowed: false,
        reason: 'unavailable',
        message: "Sorry, I couldn't check your access just now. Please try again in a minute.",
      };
    }
    return {
      allowed: false,
      reason: 'user',
      message: `Sorry, revgap's customer data is limited to members of <#${options.digestChannel}>. Ask to join it, then try again.`,
    };
  };

  return {
    async check(userId, channelId) {
      const isDm = channelId.startsWith('D');
      if (!channels.has(channelId) && !(isDm && allowDms)) {
        return {
          allowed: false,
          reason: 'channel',
          message: `Sorry, revgap only answers in ${channelList}${allowDms ? ' and in a direct message with me' : ''}. Please ask there.`,
        };
      }
      return checkUser(userId);
    },
    checkUser,
    forget(userId) {
      if (userId === undefined) cache.clear();
      else cache.delete(userId);
    },
  };
}

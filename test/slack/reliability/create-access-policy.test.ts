import { describe, expect, it } from 'vitest';
import { createAccessPolicy } from '../../../src/slack/reliability/create-access-policy.ts';

const members = (ids: string[]) => {
  const calls: string[] = [];
  return {
    calls,
    isChannelMember: async (user: string, channel: string) => {
      calls.push(`${user}@${channel}`);
      return ids.includes(user);
    },
  };
};

describe('createAccessPolicy', () => {
  it('by default answers members of the digest channel, in the digest channel', async () => {
    const m = members(['U1']);
    const policy = createAccessPolicy({ digestChannel: 'CDIGEST', isChannelMember: m.isChannelMember });
    expect(await policy.check('U1', 'CDIGEST')).toEqual({ allowed: true });
    expect(await policy.check('U2', 'CDIGEST')).toMatchObject({ allowed: false, reason: 'user' });
  });

  it('refuses politely elsewhere, naming where to ask', async () => {
    const m = members(['U1']);
    const policy = createAccessPolicy({ digestChannel: 'CDIGEST', isChannelMember: m.isChannelMember });
    const refusal = await policy.check('U1', 'CRANDOM');
    expect(refusal).toEqual({
      allowed: false,
      reason: 'channel',
      message: 'Sorry, revgap only answers in <#CDIGEST> and in a direct message with me. Please ask there.',
    });
    // No membership lookup for a refused channel.
    expect(m.calls).toEqual([]);
  });

  it('answers a member in a direct message unless turned off', async () => {
    const m = members(['U1']);
    const on = createAccessPolicy({ digestChannel: 'CDIGEST', isChannelMember: m.isChannelMember });
    const off = createAccessPolicy({
      digestChannel: 'CDIGEST',
      isChannelMember: m.isChannelMember,
      allowDirectMessages: false,
    });
    expect(await on.check('U1', 'D123')).toEqual({ allowed: true });
    expect(await off.check('U1', 'D123')).toMatchObject({ allowed: false, reason: 'channel' });
  });

  it('uses the allow-lists when given, without looking up membership', async () => {
    const m = members([]);
    const policy = createAccessPolicy({
      digestChannel: 'CDIGEST',
      allowedChannels: ['CSALES', 'CREV'],
      allowedUsers: ['U7'],
      isChannelMember: m.isChannelMember,
    });
    expect(await policy.check('U7', 'CSALES')).toEqual({ allowed: true });
    expect(await policy.check('U8', 'CSALES')).toMatchObject({ allowed: false, reason: 'user' });
    expect(await policy.check('U7', 'CDIGEST')).toMatchObject({ allowed: false, reason: 'channel' });
    expect(m.calls).toEqual([]);
  });

  it('caches membership for a while, and forgets on request', async () => {
    let t = 0;
    const m = members(['U1']);
    const policy = createAccessPolicy({
      digestChannel: 'CDIGEST',
      isChannelMember: m.isChannelMember,
      membershipTtlMs: 1000,
      now: () => t,
    });
    await policy.check('U1', 'CDIGEST');
    await policy.check('U1', 'CDIGEST');
    expect(m.calls).toHaveLength(1);
    t = 1000;
    await policy.check('U1', 'CDIGEST');
    policy.forget('U1');
    await policy.check('U1', 'CDIGEST');
    expect(m.calls).toHaveLength(3);
  });

  it('refuses when membership cannot be checked', async () => {
    const policy = createAccessPolicy({
      digestChannel: 'CDIGEST',
      isChannelMember: async () => {
        throw new Error('ratelimited');
      },
    });
    expect(await policy.check('U1', 'CDIGEST')).toMatchObject({ allowed: false, reason: 'unavailable' });
  });
});

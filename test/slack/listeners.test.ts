import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as ids from '../../src/render/slack/ids.ts';
import { LISTENED } from '../../src/slack/listeners/index.ts';

const manifest = parse(readFileSync(join(import.meta.dirname, '../../manifest.yml'), 'utf8')) as {
  features: { slash_commands: Array<{ command: string }> };
  settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean } };
};

/** Every exported constant of ids.ts whose name says what it is. */
const idsNamed = (prefix: string): string[] =>
  Object.entries(ids)
    .filter(([name, value]) => name.startsWith(prefix) && typeof value === 'string')
    .map(([, value]) => value as string)
    .sort();

describe('the listeners, the manifest and the renderers agree', () => {
  it('listens to exactly the slash commands the manifest declares', () => {
    expect([...LISTENED.commands].sort()).toEqual(
      manifest.features.slash_commands.map((c) => c.command).sort(),
    );
  });

  it('subscribes in the manifest to exactly the events it listens to', () => {
    expect([...LISTENED.events].sort()).toEqual([...manifest.settings.event_subscriptions.bot_events].sort());
  });

  it('has a listener for every button and menu the renderers draw, and none for ids nobody draws', () => {
    // Modal inputs are read from the submission, not listened to.
    const drawn = idsNamed('ACTION_').filter((id) => !id.startsWith('follow_up_'));
    expect([...LISTENED.actions].sort()).toEqual(drawn);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });

  it('has a listener for every modal the renderers build', () => {
    expect([...LISTENED.views].sort()).toEqual(idsNamed('CALLBACK_'));
  });

  it('keeps every id within Slack limits (255 characters)', () => {
    for (const id of [...LISTENED.actions, ...LISTENED.views]) expect(id.length).toBeLessThanOrEqual(255);
  });
});

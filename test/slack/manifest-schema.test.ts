import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '../..');
const schemaDir = join(root, 'test/fixtures/slack-manifest-schema');
const readJson = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(schemaDir, name), 'utf8')) as Record<string, unknown>;

/** Slack's published schema, compiled offline: the dispatcher refers to the versioned files by URL. */
function compileManifestSchema() {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const base = 'https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/';
  ajv.addSchema(readJson('manifest.schema.1.0.0.json'), `${base}manifest.schema.1.0.0.json`);
  ajv.addSchema(readJson('manifest.schema.2.0.0.json'), `${base}manifest.schema.2.0.0.json`);
  return ajv.compile(readJson('manifest.schema.json'));
}

function loadManifest(): Record<string, unknown> {
  return parse(readFileSync(join(root, 'manifest.yml'), 'utf8')) as Record<string, unknown>;
}

describe('manifest.yml', () => {
  const validate = compileManifestSchema();

  it('is a manifest Slack accepts (its published JSON Schema)', () => {
    const ok = validate(loadManifest());
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('would be refused by the schema if it were broken (the check can fail)', () => {
    const broken = loadManifest();
    (broken.display_information as Record<string, unknown>).name = '';
    expect(validate(broken)).toBe(false);
  });

  it('asks for the scopes the bot uses, Socket Mode and interactivity', () => {
    const manifest = loadManifest() as {
      oauth_config: { scopes: { bot: string[] } };
      settings: { socket_mode_enabled: boolean; interactivity: { is_enabled: boolean } };
    };
    // Exactly these, each justified in the README's scope table (least privilege).
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([
      'app_mentions:read',
      'channels:history',
      'channels:read',
      'chat:write',
      'commands',
      'files:write',
      'groups:history',
      'groups:read',
      'im:write',
      'users:read',
      'users:read.email',
    ]);
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    for (const scope of manifest.oauth_config.scopes.bot) expect(readme).toContain(`\`${scope}\``);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });
});

/**
 * `revgap help [command|config]`: the command list, one command's usage, or every setting with
 * its environment variable and flag.
 */
import { describeSettings } from '../config.ts';
import { InputError } from '../errors.ts';
import type { CliCommand } from './_context.ts';
import { COMMANDS, findCommand } from './commands.ts';
import { renderMainHelp } from './run-cli.ts';

export function renderConfigHelp(): string {
  return [
    'Settings, lowest to highest precedence: defaults < revgap.config.json|yaml|yml (or --config FILE)',
    '< environment variables < flags. In a config file, analysis settings go under "analysis" and',
    'data settings under "data", e.g. {"analysis": {"period": "month"}, "data": {"sales": "sales.csv"}}.',
    '',
    ...describeSettings(),
    '',
  ].join('\n');
}

export const command: CliCommand = {
  name: 'help',
  summary: 'Show help',
  usage: 'Usage: revgap help [COMMAND | config]',
  options: {},
  positionals: { name: 'a command name', min: 0, max: 1 },
  async run(context) {
    const topic = context.positionals[0];
    if (topic === undefined) {
      context.io.stdout.write(renderMainHelp());
      return 0;
    }
    if (topic === 'config' || topic === 'settings') {
      context.io.stdout.write(renderConfigHelp());
      return 0;
    }
    const entry = findCommand(topic);
    if (!entry) {
      throw new InputError(`no command "${topic}"`, {
        hint: `commands: ${COMMANDS.map((c) => c.name).join(', ')}, or \`revgap help config\` for settings`,
      });
    }
    const target = await entry.load();
    context.io.stdout.write(target.usage.endsWith('\n') ? target.usage : `${target.usage}\n`);
    return 0;
  },
};

/**
 * `revgap digest`: reads the data and posts one weekly digest now, through the same poster as the
 * scheduled job (parent message, continuations in its thread, the report file in the thread).
 */
import { askBotToPostDigest, findRunningBot } from '../control/control-client.ts';
import { ConfigError } from '../errors.ts';
import { postDigestOnce } from '../main.ts';
import { ANALYSIS_FLAGS_HELP, ANALYSIS_OPTIONS, loadCommandConfig } from './_analysis-flags.ts';
import type { CliCommand } from './_context.ts';
import { contextWithDotEnv, ENV_FILE_HELP, ENV_FILE_OPTION } from './_dotenv.ts';

export const command: CliCommand = {
  name: 'digest',
  summary: 'Post the weekly digest to Slack now',
  usage: `Usage: revgap digest [--sales FILE] [--customers FILE] [--channel NAME] [--force] [flags]

Analyses the data and posts the digest to the digest channel now. Needs SLACK_BOT_TOKEN (and
SLACK_API_URL for a local Slack). One digest per channel and as-of period: running it again for the
same week does nothing unless --force is given. Next to a running \`revgap serve\` on the same
embedded store (REVGAP_DATA_DIR), it asks that bot to post, with the bot's data and channel.

  --channel NAME   digest channel (overrides REVGAP_CHANNEL, default #revenue)
  --force          post even if a digest for this period was posted already
  --data-dir DIR   embedded database directory (REVGAP_DATA_DIR, default ./.revgap)
  --log-level L    trace, debug, info (default), warn, error, fatal or silent (REVGAP_LOG_LEVEL)
${ENV_FILE_HELP}
${ANALYSIS_FLAGS_HELP}

Example:
  SLACK_BOT_TOKEN=xoxb-... revgap digest --sales sales.csv --customers customers.csv --channel '#revenue'`,
  options: {
    ...ANALYSIS_OPTIONS,
    channel: { type: 'string' },
    force: { type: 'boolean' },
    'data-dir': { type: 'string' },
    'log-level': { type: 'string' },
    ...ENV_FILE_OPTION,
  },
  async run(given) {
    // .env (or --env-file) under the real environment, read before anything else is configured.
    const context = contextWithDotEnv(given);
    const config = loadCommandConfig(context);
    // A bot runs on this data directory (holding the embedded store, or the demo): ask it (its data,
    // its channel, its Slack) instead.
    const bot = config.databaseUrl === undefined ? findRunningBot(config.dataDir) : null;
    if (!bot && config.slackBotToken === undefined) {
      throw new ConfigError(['SLACK_BOT_TOKEN is not set (the bot token, xoxb-...)'], {
        hint: 'Set it (docs/slack-app.md), or run `npm start` to try revgap against a local Slack.',
      });
    }
    if (bot) {
      const reply = await askBotToPostDigest(bot, { force: context.values.force === true });
      const asked = `Asked the running bot (\`${bot.command}\`, pid ${bot.pid}, data in ${config.dataDir}) to post. `;
      context.io.stderr.write(
        reply.status === 'already_posted'
          ? `${asked}A digest for this period was already posted to <#${reply.channel}> (run ${reply.runId}); --force posts another.\n`
          : `${asked}Posted the digest to <#${reply.channel}>: ${reply.cards} gap card${reply.cards === 1 ? '' : 's'} in ${reply.parts} message${reply.parts === 1 ? '' : 's'}` +
              `${reply.fileId ? ', report attached in the thread' : ''}.\n`,
      );
      return 0;
    }
    const outcome = await postDigestOnce({
      config,
      now: () => context.now,
      force: context.values.force === true,
    });
    if (outcome.status === 'already_posted') {
      context.io.stderr.write(
        `A digest for this period was already posted to <#${outcome.run.channel}> (run ${outcome.run.id}); --force posts another.\n`,
      );
      return 0;
    }
    const { parts, cards, fileId } = outcome.outcome;
    context.io.stderr.write(
      `Posted the digest to <#${outcome.run.channel}>: ${cards} gap card${cards === 1 ? '' : 's'} in ${parts} message${parts === 1 ? '' : 's'}` +
        `${fileId ? ', report attached in the thread' : ''}.\n`,
    );
    return 0;
  },
};

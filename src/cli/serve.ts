/**
 * `revgap serve` (`npm start`): runs the Slack app with the weekly digest job.
 *
 * With Slack tokens it joins the real workspace (Socket Mode with SLACK_APP_TOKEN, else HTTP mode
 * on PORT). Without any, it is the demo: it starts local-slack (a throwaway Slack with a web UI) with
 * a generated workspace (#revenue and the sample data's account managers as users), runs the bot
 * against it on the bundled sample data, posts a first digest and prints where to look.
 */
import { configSecrets } from '../config.ts';
import { type ControlServer, startControlServer } from '../control/control-server.ts';
import {
  buildLocalWorkspace,
  LOCAL_SLACK_CREDENTIALS,
  type LocalSlackServer,
  startLocalSlack,
} from '../dev/local-slack.ts';
import { createLogger, type Logger } from '../logger.ts';
import { type RunningRevgap, startRevgap } from '../main.ts';
import { SAMPLE_ACCOUNT_MANAGERS } from '../sources/sample/generate-sample.ts';
import { ANALYSIS_FLAGS_HELP, ANALYSIS_OPTIONS, loadCommandConfig } from './_analysis-flags.ts';
import type { CliCommand, CommandContext } from './_context.ts';
import { contextWithDotEnv, ENV_FILE_HELP, ENV_FILE_OPTION } from './_dotenv.ts';
import { closeOnSignal } from './_shutdown.ts';

function logLevelGiven(context: CommandContext): boolean {
  return (
    context.values['log-level'] !== undefined ||
    context.env.REVGAP_LOG_LEVEL !== undefined ||
    context.env.LOG_LEVEL !== undefined
  );
}

export const command: CliCommand = {
  name: 'serve',
  summary: 'Run the Slack app: weekly digest, /revgap deep dives, follow-ups',
  usage: `Usage: revgap serve [--sales FILE] [--customers FILE] [--channel NAME] [--port N] [flags]

Runs the Slack app: posts the weekly digest to the channel (REVGAP_SCHEDULE, default Monday 09:00),
answers /revgap and @revgap, and tracks follow-ups from the digest's buttons.

Slack connection (environment; see .env.example and docs/slack-app.md):
  SLACK_BOT_TOKEN        the bot token (xoxb-...)
  SLACK_APP_TOKEN        app-level token (xapp-...): Socket Mode, no public URL needed
  SLACK_SIGNING_SECRET   without an app token: HTTP mode on PORT (default 3000), path /slack/events
  REVGAP_CHANNEL         digest channel (default #revenue); invite the bot there

Without any Slack token, runs the local demo: a local Slack (web UI in your browser) with a
#revenue channel, the bot on the bundled sample data, and a first digest posted at once.

  --channel NAME         digest channel (overrides REVGAP_CHANNEL)
  --port N               HTTP port in HTTP mode (overrides PORT)
  --data-dir DIR         embedded database directory (REVGAP_DATA_DIR, default ./.revgap)
  --log-level LEVEL      trace, debug, info (default), warn, error, fatal or silent (REVGAP_LOG_LEVEL)
${ENV_FILE_HELP}
${ANALYSIS_FLAGS_HELP}

Examples:
  npm start                                          # local demo, no Slack account needed
  SLACK_BOT_TOKEN=xoxb-... SLACK_APP_TOKEN=xapp-... revgap serve --sales sales.csv --customers customers.csv`,
  options: {
    ...ANALYSIS_OPTIONS,
    channel: { type: 'string' },
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    'log-level': { type: 'string' },
    ...ENV_FILE_OPTION,
  },
  async run(given) {
    // .env (or --env-file) under the real environment, read before anything else is configured.
    const context = contextWithDotEnv(given);
    const config = loadCommandConfig(context);
    const demo = config.slackBotToken === undefined;
    const logger = createLogger({
      level: demo && !logLevelGiven(context) ? 'warn' : config.logLevel,
      secrets: configSecrets(config),
      name: 'revgap',
    });

    let localSlack: LocalSlackServer | null = null;
    let control: ControlServer | null = null;
    let startup: Promise<RunningRevgap> | null = null;
    // Installed before start-up: a SIGTERM while the start-up (catch-up) digest is posting still waits
    // for it within the deadline, then closes the socket and the store; an unfinished run resumes at the
    // next start instead of being posted twice.
    closeOnSignal({
      logger,
      close: async () => {
        try {
          await control
            ?.close()
            .catch((error: unknown) => logger.warn({ err: error }, 'control endpoint did not close'));
          const bot = await startup?.catch(() => null);
          await bot?.stop();
        } finally {
          await localSlack?.stop();
        }
      },
      // Past the deadline the process exits; the local Slack child goes with it.
      onTimeout: () => void localSlack?.stop(),
    });
    let running: RunningRevgap;
    try {
      if (demo) {
        localSlack = await startLocalSlack({
          workspace: buildLocalWorkspace({ mode: 'socket', people: SAMPLE_ACCOUNT_MANAGERS }),
        });
        let posted = false;
        // The demo's first digest is part of start-up, so a SIGTERM meanwhile waits for it before closing.
        startup = startRevgap({
          config: {
            ...config,
            slackBotToken: LOCAL_SLACK_CREDENTIALS.botToken,
            slackAppToken: LOCAL_SLACK_CREDENTIALS.appToken,
            slackApiUrl: localSlack.apiUrl,
            channel: '#revenue',
            // The local workspace is new on every start, so is the demo's state (unless DATABASE_URL is set).
            dataDir: 'memory://',
          },
          logger,
          // The demo posts its first digest itself; a start-up catch-up would post a second one.
          catchUp: false,
        }).then(async (bot) => {
          posted = (await bot.postDigest({ force: true })).status === 'posted';
          return bot;
        });
        running = await startup;
        // `revgap digest` in another terminal (same directory) asks the demo to post another digest.
        control = await startControl(running, config.dataDir, 'revgap serve (demo)', logger);
        context.io.stderr.write(renderDemoBanner(localSlack, posted));
      } else {
        startup = startRevgap({ config, logger });
        running = await startup;
        // The embedded store serves this process only: `revgap digest` next to it asks it to post.
        if (running.store.backend === 'pglite') {
          control = await startControl(running, config.dataDir, 'revgap serve', logger);
        }
        context.io.stderr.write(
          `revgap is running (${running.slackApp.transport === 'socket' ? 'Socket Mode' : `HTTP mode on port ${running.slackApp.port}`}); ` +
            `digest channel <#${running.digestChannel}>, next digest ${running.job?.nextSlot()?.toISOString() ?? 'not scheduled'}.\n` +
            'Stop with Ctrl-C.\n',
        );
      }
    } catch (error) {
      await localSlack?.stop();
      throw error;
    }

    // Runs until a signal; the shutdown handler exits the process.
    return new Promise<number>(() => undefined);
  },
};

/** The control endpoint (src/control/) through which `revgap digest` asks this bot to post. */
function startControl(
  bot: RunningRevgap,
  dataDir: string,
  command: string,
  logger: Logger,
): Promise<ControlServer> {
  return startControlServer({
    dataDir,
    command,
    logger,
    postDigest: async ({ force }) => {
      // Like `revgap digest`, read the data first; if it cannot be read, the digest goes out from
      // the last good snapshot and says why the data is stale.
      await bot.refresh().catch((error: unknown) => {
        logger.warn({ err: error }, 'the data could not be read again before the requested digest');
      });
      const posted = await bot.postDigest({ force });
      const { run } = posted;
      return posted.status === 'posted'
        ? { status: 'posted', channel: run.channel, runId: run.id, ...posted.outcome }
        : { status: 'already_posted', channel: run.channel, runId: run.id };
    },
  });
}

function renderDemoBanner(localSlack: LocalSlackServer, posted: boolean): string {
  const users = localSlack.workspace.users.map((u) => u.name).join(', ');
  return [
    '',
    'revgap demo is running against a local Slack (no Slack account needed).',
    '',
    `  Open ${localSlack.url} in your browser: the #revenue channel has ${posted ? 'the first digest' : 'the digest'}.`,
    `  Act as one of the account managers (${users}): claim a gap, log a follow-up, snooze one,`,
    '  or type /revgap top, /revgap mine, /revgap <customer name> in the message box.',
    '  Apps -> revgap in the sidebar opens your Home tab ("My accounts"): your gaps, your total at risk,',
    '  next steps due, and the switch for your own digest by direct message.',
    '  `npx revgap digest` in another terminal (this directory) posts another digest now.',
    '',
    '  Real Slack: set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (see docs/slack-app.md).',
    '  Stop with Ctrl-C.',
    '',
  ].join('\n');
}

/**
 * The Bolt app in one of two transports: Socket Mode when an app token (`xapp-`) is given (no public
 * URL; right for one internal instance and local development), else HTTP mode on `port` with the
 * signing secret (production behind a load balancer). The transport only moves requests: listeners
 * (registered by the caller) hand the work to use-cases.
 */
import { App, HTTPReceiver, type webApi } from '@slack/bolt';
import { ConfigError } from '../errors.ts';
import { type Logger, toBoltLogger } from '../logger.ts';
import { webClientOptions } from './reliability/web-client-options.ts';

export type SlackTransport = 'socket' | 'http';

export interface CreateSlackAppOptions {
  botToken: string;
  /** `xapp-...`: selects Socket Mode. */
  appToken?: string;
  /** Needed in HTTP mode. */
  signingSecret?: string;
  /** HTTP mode port; default 3000. */
  port?: number;
  /** Web API base, e.g. `http://localhost:4000/api/` for local-slack. */
  slackApiUrl?: string;
  logger: Logger;
}

export interface SlackApp {
  app: App;
  transport: SlackTransport;
  /** Bolt's client, with interactive retry settings. */
  web: webApi.WebClient;
  /** HTTP mode: the port listened on. */
  port: number | null;
  /**
   * HTTP mode: Bolt's receiver, so a stricter signature/replay guard can be put in front of it
   * (reliability/verify-slack-signature.ts `guardHttpReceiver`) before `start()`.
   */
  httpReceiver: HTTPReceiver | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createSlackApp(options: CreateSlackAppOptions): SlackApp {
  const transport: SlackTransport = options.appToken ? 'socket' : 'http';
  const missing: string[] = [];
  if (!options.botToken) missing.push('SLACK_BOT_TOKEN is not set (the bot token, xoxb-...)');
  if (transport === 'http' && !options.signingSecret) {
    missing.push(
      'SLACK_SIGNING_SECRET is not set: set it for HTTP mode, or set SLACK_APP_TOKEN (xapp-...) for Socket Mode',
    );
  }
  if (missing.length > 0) throw new ConfigError(missing);

  const log = options.logger.child({ component: 'slack' });
  const clientOptions = webClientOptions({
    mode: 'interactive',
    logger: log,
    ...(options.slackApiUrl !== undefined ? { slackApiUrl: options.slackApiUrl } : {}),
  });
  const port = transport === 'http' ? (options.port ?? 3000) : null;

  // Bolt sets its logger's level; give it its own child so our logger keeps the configured level.
  const boltLogger = toBoltLogger(log.child({ component: 'bolt' }));
  const logLevel = boltLogger.getLevel();
  const httpReceiver =
    transport === 'http'
      ? new HTTPReceiver({ signingSecret: options.signingSecret as string, logger: boltLogger, logLevel })
      : null;
  const app =
    httpReceiver === null
      ? new App({
          token: options.botToken,
          appToken: options.appToken,
          socketMode: true,
          logger: boltLogger,
          logLevel,
          clientOptions,
          convoStore: false,
        })
      : new App({
          token: options.botToken,
          receiver: httpReceiver,
          logger: boltLogger,
          logLevel,
          clientOptions,
          // Bolt's conversation store (context.conversation) is unused here; its middleware built
          // and threw an Error ("Conversation not found") on every request.
          convoStore: false,
        });

  app.error(async (error) => {
    // Listeners answer users themselves; this catches what slipped through, so it is never silent.
    log.error({ err: error, code: (error as { code?: string }).code }, 'Unhandled error in a Slack listener');
  });

  return {
    app,
    transport,
    web: app.client,
    port,
    httpReceiver,
    async start() {
      if (transport === 'socket') await app.start();
      else await app.start(port as number);
      log.info({ transport, ...(port !== null ? { port } : {}) }, 'Slack app started');
    },
    async stop() {
      await app.stop();
      log.info({ transport }, 'Slack app stopped');
    },
  };
}

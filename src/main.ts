/**
 * The composition root, wiring only: config -> logger -> store -> source (analysis snapshot) ->
 * Slack client and app -> digest use-case -> scheduler. `startRevgap` is what `revgap serve` (and
 * the end-to-end tests) run; `postDigestOnce` is `revgap digest`. Both build the logger, the store
 * and the posting client with the same functions, once each. No logic lives here: the run policy
 * and the digest state machine are in use-cases/run-digest.ts, the rest in use-cases/, slack/,
 * scheduler/.
 */
import { setImmediate } from 'node:timers/promises';
import { webApi } from '@slack/bolt';
import {
  AnalysisWorkerBootError,
  type AnalysisWorkerStage,
  analyzeInWorker,
  shouldAnalyzeInWorker,
} from './analysis-in-worker.ts';
import { type AppConfig, configSecrets } from './config.ts';
import type { AnalysisResult } from './core/types.ts';
import { AppError, ConfigError } from './errors.ts';
import { createLogger, type Logger } from './logger.ts';
import { rasterizeSvgAsync } from './rasterize-svg.ts';
import { dayInZone } from './scheduler/cron-slots.ts';
import { createRefreshOnChange, type RefreshOnChange } from './scheduler/refresh-on-change.ts';
import { createReminderJob, type ReminderJob } from './scheduler/reminder-job.ts';
import { createWeeklyJob, type WeeklyJob } from './scheduler/weekly-job.ts';
import { createSlackApp, type SlackApp } from './slack/app.ts';
import { showHome } from './slack/home.ts';
import { isReadOnlyCommand } from './slack/listeners/commands/revgap.ts';
import { registerListeners } from './slack/listeners/index.ts';
import { classifySlackError } from './slack/reliability/classify-slack-error.ts';
import { createSlackDelivery } from './slack/reliability/create-slack-delivery.ts';
import { createChannelDirectory, installReliability } from './slack/reliability/install-reliability.ts';
import { createAdminNotifier } from './slack/reliability/notify-admin.ts';
import { webClientOptions } from './slack/reliability/web-client-options.ts';
import { createSlackClient, type SlackClient } from './slack/slack-client.ts';
import type { SlackDeps } from './slack/slack-deps.ts';
import { analysisRequestFromConfig } from './sources/open-sources.ts';
import { createStateStore } from './store/create-state-store.ts';
import { withFollowUpView } from './store/follow-up-view.ts';
import type { StateStore } from './store/state-store.ts';
import { createAccountManagerDirectory } from './use-cases/account-managers.ts';
import type { CustomerIndex } from './use-cases/find-customer.ts';
import { type PostDigestDeps, postDigestRun } from './use-cases/post-digest.ts';
import {
  createSnapshotHolder,
  type RefreshSnapshotDeps,
  refreshKeepingLastGood,
  refreshSnapshot,
  type SnapshotHolder,
} from './use-cases/refresh-snapshot.ts';
import { sendDueReminders } from './use-cases/reminders.ts';
import { runAnalysis } from './use-cases/run-analysis.ts';
import { createDigestRunner, type PostDigestNowOutcome, postDigestNow } from './use-cases/run-digest.ts';

export interface StartOptions {
  config: AppConfig;
  logger?: Logger;
  now?: () => Date;
  /** Replaces reading the configured data (tests pass a hand-built result). */
  analyze?: () => Promise<{ result: AnalysisResult; source: string }>;
  /** Start the weekly digest job (default true). */
  scheduler?: boolean;
  /** A store to use instead of the configured one (tests); it is closed on `stop()`. */
  store?: StateStore;
  /** Post a digest missed while down at start-up (default true; the demo posts its own first digest). */
  catchUp?: boolean;
}

export interface RunningRevgap {
  config: AppConfig;
  logger: Logger;
  store: StateStore;
  slackApp: SlackApp;
  slack: SlackClient;
  snapshots: SnapshotHolder;
  deps: SlackDeps;
  digestChannel: string;
  job: WeeklyJob | null;
  /** The daily next-step reminder job (null without the scheduler). */
  reminderJob: ReminderJob | null;
  /** Sends the next-step reminders due today (in the configured time zone) now; how many were sent. */
  sendReminders(): Promise<number>;
  /** Re-runs the analysis when the data files change (polls only with a sales file and refreshMinutes > 0). */
  dataWatch: RefreshOnChange;
  /** Posts one digest now, like `revgap digest`. */
  postDigest(options?: { force?: boolean }): Promise<PostDigestNowOutcome>;
  /** Re-runs the analysis (e.g. before a digest); one at a time. */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs the analysis the config describes (sales CSV, or the bundled sample). `onStage` hears when
 * the data is read (`analysis`) and, in the analysis worker, when its result starts to arrive
 * (`transfer`): bench/help-during-refresh.ts files its answers under these phases.
 */
export function analyzeConfiguredData(
  config: AppConfig,
  now: () => Date,
  logger?: Logger,
  onStage?: (stage: AnalysisWorkerStage) => void,
): () => Promise<{ result: AnalysisResult; source: string; index?: CustomerIndex }> {
  return async () => {
    const today = now().toISOString().slice(0, 10);
    // Large data is read and analysed in a worker thread, off the heap the bot answers from
    // (analysis-in-worker.ts); the result arrives in slices, a pause between them.
    if (await shouldAnalyzeInWorker(config)) {
      try {
        return await analyzeInWorker(config, today, {
          pause: () => setImmediate(),
          index: true,
          ...(logger !== undefined ? { log: (fields, message) => logger.info(fields, message) } : {}),
          ...(onStage !== undefined ? { onStage } : {}),
        });
      } catch (error) {
        if (!(error instanceof AnalysisWorkerBootError)) throw error;
        logger?.warn({ err: error }, 'the analysis worker could not start; analysing on the main thread');
      }
    }
    // The same request the CLI builds, so every data setting (map, date format, decimal, delimiter) applies.
    // The bot answers while a refresh reads the data: large files are parsed in a worker thread.
    const request = analysisRequestFromConfig(config, today, { background: true, logger });
    // ... and the analysis and its evidence pause every few thousand customers (run-analysis.ts).
    let read = false;
    const result = await runAnalysis(request, {
      pause: () => {
        // The first pause comes once the data is read.
        if (!read) onStage?.('analysis');
        read = true;
        return setImmediate();
      },
    });
    return { result, source: request.sales.description };
  };
}

function requireBotToken(config: AppConfig): string {
  if (!config.slackBotToken) {
    throw new ConfigError(['SLACK_BOT_TOKEN is not set (the bot token, xoxb-...)'], {
      hint: 'Set it (see .env.example and docs/slack-app.md), or run `npm start` without tokens for the local demo.',
    });
  }
  return config.slackBotToken;
}

function buildLogger(config: AppConfig, given?: Logger): Logger {
  return given ?? createLogger({ level: config.logLevel, secrets: configSecrets(config), name: 'revgap' });
}

/** The store the config names (Postgres with DATABASE_URL, else the embedded one in the data dir). */
export function openConfiguredStore(config: Pick<AppConfig, 'dataDir' | 'databaseUrl'>): StateStore {
  return createStateStore({
    dataDir: config.dataDir,
    ...(config.databaseUrl !== undefined ? { databaseUrl: config.databaseUrl } : {}),
  });
}

function buildStore(config: AppConfig, given?: StateStore): StateStore {
  return given ?? openConfiguredStore(config);
}

/** The Slack client for posting (digest, replies): retries and pacing in one place. */
function createPostingClient(config: AppConfig, logger: Logger): SlackClient {
  const managed = new webApi.WebClient(
    requireBotToken(config),
    webClientOptions({
      mode: 'managed',
      logger,
      ...(config.slackApiUrl !== undefined ? { slackApiUrl: config.slackApiUrl } : {}),
    }),
  );
  const delivery = createSlackDelivery({ logger });
  return createSlackClient({ web: managed, logger, run: (call, fn) => delivery.run(call, fn) });
}

/**
 * A Slack failure while starting (a revoked token, a missing scope, Slack unreachable) as an
 * AppError that says what went wrong and what to do, instead of an unexplained stack.
 */
function startupError(error: unknown, what: string): unknown {
  if (error instanceof AppError) return error;
  const problem = classifySlackError(error);
  if (problem.kind === 'unknown') return error;
  return new AppError('SLACK_API', `Could not ${what}: ${problem.reason}.`, {
    cause: error,
    hint: problem.fix,
  });
}

async function resolveChannel(web: webApi.WebClient, ref: string): Promise<string> {
  let id: string | null;
  try {
    id = await createChannelDirectory(web).resolve(ref);
  } catch (error) {
    throw startupError(error, `find the channel ${ref} in Slack`);
  }
  if (id === null) {
    throw new ConfigError([`REVGAP_CHANNEL = "${ref}": no such channel the bot can see`], {
      hint: 'Use the channel id (C0123...) or its name, and invite the bot: /invite @revgap',
    });
  }
  return id;
}

export async function startRevgap(options: StartOptions): Promise<RunningRevgap> {
  const { config } = options;
  const now = options.now ?? (() => new Date());
  const logger = buildLogger(config, options.logger);
  const opened = buildStore(config, options.store);
  await opened.ready();
  logger.info({ store: opened.backend, location: opened.location }, 'state store ready');
  // Deep dives read follow-ups from memory: on PGlite this process is the only writer (its data
  // directory is locked to one process); on a shared Postgres, other instances' writes arrive as
  // change notifications (store/follow-up-view.ts).
  const store =
    opened.backend === 'pglite' || opened.listenFollowUpChanges ? withFollowUpView(opened) : opened;

  const snapshots = createSnapshotHolder({ store, settings: config.analysis });
  const analyze = options.analyze ?? analyzeConfiguredData(config, now, logger);
  // Every refresh (start-up, digest, data change) goes through the watcher: one analysis at a time,
  // and it knows which version of the files the current snapshot read. The bundled sample never changes.
  const dataFiles =
    config.data.sales === undefined
      ? []
      : [config.data.sales, ...(config.data.customers !== undefined ? [config.data.customers] : [])];
  let notifyRefreshFailure: (error: unknown) => Promise<void> = async () => undefined;
  const dataWatch = createRefreshOnChange({
    files: dataFiles,
    intervalMinutes: config.refreshMinutes,
    refresh: async () => {
      await refreshSnapshot(refreshDeps({ config, analyze, store, snapshots, now, logger }));
    },
    onFailure: (error) => notifyRefreshFailure(error),
    logger,
  });
  const refresh = (): Promise<void> => dataWatch.refresh();
  // A digest being posted reads the data itself; the poll skips meanwhile.
  const whilePosting = dataWatch.whileBusy;

  // Whatever fails from here on, the store is closed again so the process can exit cleanly.
  let started: SlackApp | null = null;
  try {
    const slackApp = createSlackApp({
      botToken: requireBotToken(config),
      ...(config.slackAppToken !== undefined ? { appToken: config.slackAppToken } : {}),
      ...(config.slackSigningSecret !== undefined ? { signingSecret: config.slackSigningSecret } : {}),
      port: config.port,
      ...(config.slackApiUrl !== undefined ? { slackApiUrl: config.slackApiUrl } : {}),
      logger,
    });
    const slack = createPostingClient(config, logger);
    const digestChannel = await resolveChannel(slackApp.web, config.channel);
    const resolveAll = (refs: readonly string[]) =>
      Promise.all(refs.map((r) => resolveChannel(slackApp.web, r)));
    installReliability({
      app: slackApp.app,
      httpReceiver: slackApp.httpReceiver,
      ...(config.slackSigningSecret !== undefined ? { signingSecret: config.slackSigningSecret } : {}),
      logger,
      store,
      digestChannel,
      allowedChannels: await resolveAll(config.allowedChannels),
      allowedUsers: config.allowedUsers,
      isReadOnly: isReadOnlyCommand,
    });
    const people = createAccountManagerDirectory({
      lookupUserByEmail: (email) => slack.lookupUserByEmail(email),
      lookupUserById: (userId) => slack.userExists(userId),
      logger,
    });
    const deps: SlackDeps = {
      slack,
      store,
      snapshots,
      digestChannel,
      logger,
      now,
      people,
      recovery: store,
      holdout: store,
      holdoutPercent: config.holdoutPercent,
      personal: store,
      dmOwners: config.dmOwners,
      today: () => dayInZone(now(), config.timezone),
      rasterize: (svg) => rasterizeSvgAsync(svg),
    };
    // After each recorded follow-up, the actor's Home tab shows it.
    deps.onRecorded = async (event) => {
      await showHome(event.userId, deps);
      // A take-over or release changes the previous holder's tab too.
      if (event.previousOwnerUserId && event.previousOwnerUserId !== event.userId)
        await showHome(event.previousOwnerUserId, deps);
    };
    registerListeners(slackApp.app, deps);

    const notifier = createAdminNotifier({
      ...(config.adminChannel !== undefined
        ? { adminChannel: await resolveChannel(slackApp.web, config.adminChannel) }
        : {}),
      postMessage: (message) => slack.postMessage(message),
      logger,
      secrets: configSecrets(config),
    });
    notifyRefreshFailure = (error) =>
      notifier.notify({ what: 'read the sales data after it changed', error, reference: 'data-change' });
    // Answer from the last saved analysis while the data is read again (a large file takes a while).
    await snapshots.load();
    try {
      await slackApp.start();
      started = slackApp;
    } catch (error) {
      throw startupError(
        error,
        `connect to Slack (${slackApp.transport === 'socket' ? 'Socket Mode' : 'HTTP mode'})`,
      );
    }
    await refreshKeepingLastGood(refresh, {
      logger,
      notify: (notice) => notifier.notify(notice),
      what: 'read the sales data at start-up',
      reference: 'start-up',
    });

    const postDeps = buildPostDigestDeps({ slack, store, snapshots, logger, now, people, config });
    const notify: typeof notifier.notify = (notice) => notifier.notify(notice);
    const job =
      options.scheduler === false
        ? null
        : createWeeklyJob({
            schedule: config.schedule,
            timezone: config.timezone,
            channel: digestChannel,
            // Without catch-up nothing missed is posted at start-up; the on-time tick still posts its slot.
            catchUpHours: options.catchUp === false ? 0 : config.catchUpHours,
            store,
            logger,
            now,
            runDigest: (context) => whilePosting(async () => void (await postDigestRun(context, postDeps))),
            refresh: () => whilePosting(refresh),
            notify,
            reportFailure: (report) =>
              notify({
                what: `post the weekly digest to <#${report.channel}>`,
                error: report.error,
                channel: `<#${report.channel}>`,
                reference: report.runKey,
              }),
          });
    const manualRunner = createDigestRunner({
      store,
      post: (context) => postDigestRun(context, postDeps),
      logger,
      now,
    });
    const sendReminders = (): Promise<number> =>
      sendDueReminders(dayInZone(now(), config.timezone), {
        slack,
        store,
        personal: store,
        snapshots,
        logger,
        now,
      });
    const reminderJob =
      options.scheduler === false
        ? null
        : createReminderJob({
            timezone: config.timezone,
            hour: config.reminderHour,
            store,
            logger,
            now,
            send: () => sendReminders(),
          });
    if (job) await job.start();
    if (reminderJob) await reminderJob.start();
    dataWatch.start();

    return {
      config,
      logger,
      store,
      slackApp,
      slack,
      snapshots,
      deps,
      digestChannel,
      job,
      reminderJob,
      sendReminders,
      dataWatch,
      refresh,
      postDigest: (postOptions = {}) =>
        whilePosting(() =>
          postDigestNow(
            { channel: digestChannel, force: postOptions.force ?? false },
            { runner: manualRunner, snapshots, now },
          ),
        ),
      async stop() {
        // Polling stops at once; the job's wait for a digest in progress and the wait for an
        // analysis in progress (at most 5 s) overlap, so shutdown stays within its deadline.
        const watchStopped = dataWatch.stop();
        if (job) await job.stop();
        if (reminderJob) await reminderJob.stop();
        await watchStopped;
        await slackApp.stop();
        await store.close();
      },
    };
  } catch (error) {
    await started?.stop().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }
}

/**
 * What the digest poster needs, built the same way for the weekly job and `revgap digest`: the one
 * state store serves as the digest, recovery and holdout ports.
 */
function buildPostDigestDeps(parts: {
  slack: PostDigestDeps['slack'];
  store: StateStore;
  snapshots: PostDigestDeps['snapshots'];
  logger: Logger;
  now: () => Date;
  people: NonNullable<PostDigestDeps['people']>;
  config: Pick<AppConfig, 'holdoutPercent' | 'dmOwners'>;
}): PostDigestDeps {
  const { store, config, ...rest } = parts;
  return {
    ...rest,
    store,
    recovery: store,
    holdout: store,
    holdoutPercent: config.holdoutPercent,
    ownerDigests: {
      slack: parts.slack,
      personal: store,
      people: parts.people,
      dmOwners: config.dmOwners,
      logger: parts.logger,
      now: parts.now,
    },
  };
}

/** What a refresh needs, the same for the bot and `revgap digest`: the one store serves every port. */
function refreshDeps(parts: {
  config: Pick<AppConfig, 'analysis' | 'holdoutPercent'>;
  analyze: RefreshSnapshotDeps['analyze'];
  store: StateStore;
  snapshots: SnapshotHolder;
  now: () => Date;
  logger: Logger;
}): RefreshSnapshotDeps {
  const { config, store } = parts;
  return {
    analyze: parts.analyze,
    settings: config.analysis,
    store,
    holder: parts.snapshots,
    now: parts.now,
    logger: parts.logger,
    recovery: store,
    holdout: { store, percent: config.holdoutPercent },
  };
}

export interface DigestOnceOptions {
  config: AppConfig;
  logger?: Logger;
  now?: () => Date;
  force?: boolean;
  analyze?: () => Promise<{ result: AnalysisResult; source: string }>;
}

/** `revgap digest`: read the data, post one digest with the same poster as the weekly job, exit. */
export async function postDigestOnce(options: DigestOnceOptions): Promise<PostDigestNowOutcome> {
  const { config } = options;
  const now = options.now ?? (() => new Date());
  const logger = buildLogger(config, options.logger);
  const slack = createPostingClient(config, logger);
  const store = buildStore(config);
  try {
    await store.ready();
    const snapshots = createSnapshotHolder({ store, settings: config.analysis });
    const web = new webApi.WebClient(
      requireBotToken(config),
      webClientOptions({
        mode: 'interactive',
        ...(config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {}),
      }),
    );
    const people = createAccountManagerDirectory({
      lookupUserByEmail: (email) => slack.lookupUserByEmail(email),
      lookupUserById: (userId) => slack.userExists(userId),
      logger,
    });
    const runner = createDigestRunner({
      store,
      post: (context) =>
        postDigestRun(context, buildPostDigestDeps({ slack, store, snapshots, logger, now, people, config })),
      logger,
      now,
    });
    // The channel first (a quick check), then the data (it may take a while), then the post.
    const channel = await resolveChannel(web, config.channel);
    return await postDigestNow(
      { channel, force: options.force ?? false },
      {
        runner,
        snapshots,
        now,
        refresh: async () => {
          const analyze = options.analyze ?? analyzeConfiguredData(config, now, logger);
          await refreshSnapshot(refreshDeps({ config, analyze, store, snapshots, now, logger }));
        },
      },
    );
  } finally {
    await store.close();
  }
}

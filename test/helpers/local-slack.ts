/**
 * local-slack for tests: start it on a free port with a small workspace, drive it through its
 * `/_control` API (a user types a command, clicks a button, posts in a thread), read what the bot
 * did, and submit modals through the web UI's WebSocket (the control API has no endpoint for that).
 */
import { WebSocket } from 'undici';
import {
  buildLocalWorkspace,
  type LocalSlackServer,
  type LocalSlackWorkspace,
  startLocalSlack,
} from '../../src/dev/local-slack.ts';

/** A message as local-slack stores it (thread replies and ephemerals included). */
export interface StoredMessage {
  type: string;
  ts: string;
  channel: string;
  user?: string;
  bot_id?: string;
  text: string;
  blocks?: Array<Record<string, unknown>>;
  thread_ts?: string;
  subtype?: string;
  ephemeral_to?: string;
  files?: Array<{ id: string; name: string; title?: string; size?: number }>;
}

export interface LogEntry {
  [key: string]: unknown;
}

export interface LocalSlackHandle extends LocalSlackServer {
  command(user: string, text: string, channel?: string): Promise<void>;
  /** Clicks a button; `action` needs at least `action_id` (and `value`/`block_id` as on the button). */
  interact(user: string, messageTs: string, action: Record<string, unknown>, channel?: string): Promise<void>;
  message(user: string, text: string, threadTs?: string, channel?: string): Promise<StoredMessage>;
  messages(channel?: string): Promise<StoredMessage[]>;
  log(): Promise<LogEntry[]>;
  /** The open modals, bottom first, as the web UI sees them (the control API has no endpoint for it). */
  modalStack(): Promise<
    Array<Record<string, unknown> & { id: string; blocks?: Array<Record<string, unknown>> }>
  >;
  /** Submits the modal on top of the stack as `user`, with `values[block_id][action_id]` = element state. */
  submitView(user: string, values: Record<string, Record<string, unknown>>): Promise<void>;
  /** Polls `messages` until `predicate` holds; fails with what was there after `timeoutMs`. */
  waitForMessages(
    predicate: (messages: StoredMessage[]) => boolean,
    options?: { channel?: string; timeoutMs?: number },
  ): Promise<StoredMessage[]>;
  /** The `#revenue` channel id. */
  channel: string;
  /** `user` opens the app's Home tab (local-slack sends `app_home_opened`). */
  openHome(user: string): Promise<void>;
  /** The Home view last published for `user`, or undefined. */
  homeView(user: string): Promise<{ blocks: Array<Record<string, unknown>> } | undefined>;
  /** Polls `homeView` until `predicate` holds; fails with what was there after `timeoutMs`. */
  waitForHome(
    user: string,
    predicate: (view: { blocks: Array<Record<string, unknown>> }) => boolean,
    timeoutMs?: number,
  ): Promise<{ blocks: Array<Record<string, unknown>> }>;
  /** Clicks a button (or menu option) on `user`'s Home tab. */
  interactInHome(user: string, action: Record<string, unknown>): Promise<void>;
  /** Messages of the direct message between `user` and the bot ([] when none yet). */
  directMessages(user: string): Promise<StoredMessage[]>;
}

export interface StartTestSlackOptions {
  mode?: 'socket' | 'events';
  requestUrl?: string;
  people?: readonly { name: string; email: string }[];
}

export const TEST_PEOPLE = [
  { name: 'Alice Johnson', email: 'alice@example.com' },
  { name: 'Bob Martinez', email: 'bob@example.com' },
] as const;

export async function startTestSlack(options: StartTestSlackOptions = {}): Promise<LocalSlackHandle> {
  const workspace: LocalSlackWorkspace = buildLocalWorkspace({
    mode: options.mode ?? 'socket',
    people: options.people ?? TEST_PEOPLE,
    ...(options.requestUrl !== undefined ? { requestUrl: options.requestUrl } : {}),
  });
  const server = await startLocalSlack({ workspace });
  const channel = workspace.channels[0]!.id;

  const call = async <T>(path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${server.url}/_control${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await response.json()) as T & { ok?: boolean; error?: string };
    if (!response.ok || json.ok === false) {
      throw new Error(`local-slack ${path} failed: ${response.status} ${JSON.stringify(json)}`);
    }
    return json;
  };
  const messages = async (ch = channel): Promise<StoredMessage[]> =>
    (await call<{ messages: StoredMessage[] }>(`/messages/${ch}`)).messages;

  /** Opens the web UI's socket, hands it to `use`, closes it. */
  const withUiSocket = async <T>(use: (socket: WebSocket) => Promise<T>): Promise<T> => {
    const socket = new WebSocket(`ws://localhost:${server.port}/ui`);
    await new Promise<void>((resolveOpen, reject) => {
      socket.addEventListener('open', () => resolveOpen());
      socket.addEventListener('error', () => reject(new Error('could not open the local-slack UI socket')));
    });
    try {
      return await use(socket);
    } finally {
      socket.close();
    }
  };
  const uiSend = (frame: unknown): Promise<void> =>
    withUiSocket(async (socket) => {
      socket.send(JSON.stringify(frame));
      // The UI protocol has no acknowledgement; give the server a moment to read the frame.
      await new Promise((r) => setTimeout(r, 100));
    });
  /** The UI's first frame is the whole state, Home views included. */
  const homeView = (user: string): Promise<{ blocks: Array<Record<string, unknown>> } | undefined> =>
    withUiSocket(
      (socket) =>
        new Promise((resolveView, reject) => {
          const timer = setTimeout(() => reject(new Error('local-slack UI sent no state')), 5000);
          socket.addEventListener('message', (event) => {
            const frame = JSON.parse(String(event.data)) as {
              t?: string;
              state?: {
                homeViews?: Record<string, Record<string, { blocks: Array<Record<string, unknown>> }>>;
              };
            };
            if (frame.t !== 'init') return;
            clearTimeout(timer);
            const views = Object.values(frame.state?.homeViews?.[user] ?? {});
            resolveView(views[0]);
          });
        }),
    );

  return {
    ...server,
    channel,
    async command(user, text, ch = channel) {
      await call('/command', { channel: ch, user, command: '/revgap', text });
    },
    async interact(user, messageTs, action, ch = channel) {
      await call('/interact', { channel: ch, messageTs, user, action: { type: 'button', ...action } });
    },
    async message(user, text, threadTs, ch = channel) {
      const body = { channel: ch, user, text, ...(threadTs !== undefined ? { thread_ts: threadTs } : {}) };
      return (await call<{ message: StoredMessage }>('/message', body)).message;
    },
    messages,
    async log() {
      return (await call<{ log: LogEntry[] }>('/log')).log;
    },
    async openHome(user) {
      await call('/open-home', { user });
    },
    homeView,
    async waitForHome(user, predicate, timeoutMs = 8000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const view = await homeView(user);
        if (view && predicate(view)) return view;
        if (Date.now() > deadline) {
          throw new Error(
            `Timed out waiting for the Home tab of ${user}: ${JSON.stringify(view)?.slice(0, 2000)}`,
          );
        }
        await new Promise((r) => setTimeout(r, 60));
      }
    },
    async interactInHome(user, action) {
      // The web UI's Home tab sends clicks with no channel and no message (as Slack's view clicks have none).
      await uiSend({
        t: 'block_action',
        channel: '',
        messageTs: '',
        user,
        action: { type: 'button', ...action },
      });
    },
    async directMessages(user) {
      const state = await call<{ channels: Array<{ id: string; is_im?: boolean; members: string[] }> }>(
        '/state',
      );
      const dm = state.channels.find((c) => c.is_im && c.members.includes(user));
      return dm ? messages(dm.id) : [];
    },
    async modalStack() {
      const socket = new WebSocket(`ws://localhost:${server.port}/ui`);
      try {
        return await new Promise((resolveStack, reject) => {
          socket.addEventListener('message', (event) => {
            const frame = JSON.parse(String(event.data)) as { t: string; state?: { modalStack?: unknown } };
            if (frame.t === 'init') resolveStack((frame.state?.modalStack ?? []) as never);
          });
          socket.addEventListener('error', () =>
            reject(new Error('could not open the local-slack UI socket')),
          );
        });
      } finally {
        socket.close();
      }
    },
    async submitView(user, values) {
      const socket = new WebSocket(`ws://localhost:${server.port}/ui`);
      await new Promise<void>((resolveOpen, reject) => {
        socket.addEventListener('open', () => resolveOpen());
        socket.addEventListener('error', () => reject(new Error('could not open the local-slack UI socket')));
      });
      socket.send(JSON.stringify({ t: 'view_submit', user, values }));
      // The UI protocol has no acknowledgement; give the server a moment to read the frame.
      await new Promise((r) => setTimeout(r, 100));
      socket.close();
    },
    async waitForMessages(predicate, waitOptions = {}) {
      const deadline = Date.now() + (waitOptions.timeoutMs ?? 8000);
      let last: StoredMessage[] = [];
      for (;;) {
        last = await messages(waitOptions.channel ?? channel);
        if (predicate(last)) return last;
        if (Date.now() > deadline) {
          const summary = last.map(
            (m) => `${m.ts} ${m.thread_ts ?? '-'} ${m.subtype ?? ''} ${m.text.slice(0, 80)}`,
          );
          throw new Error(`Timed out waiting for messages. Channel holds:\n${summary.join('\n')}`);
        }
        await new Promise((r) => setTimeout(r, 60));
      }
    },
  };
}

/** Element states in the shape `view_submission` carries them. */
export const selectValue = (value: string): Record<string, unknown> => ({
  type: 'static_select',
  selected_option: { value, text: { type: 'plain_text', text: value } },
});
export const radioValue = (value: string): Record<string, unknown> => ({
  type: 'radio_buttons',
  selected_option: { value, text: { type: 'plain_text', text: value } },
});
export const textValue = (value: string): Record<string, unknown> => ({ type: 'plain_text_input', value });

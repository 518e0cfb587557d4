/**
 * Shared polling: one `Poller` per (field, normalised filter, credential identity), whatever the
 * number of subscribers, so a vendor's calls per interval do not depend on how many watch.
 *
 * Contract:
 * - A poller reads its baseline at once, then polls every interval, start to start (a slow poll
 *   delays the next one, never overlaps it). When a poll fails, every subscriber gets the coded
 *   error (with `extensions.retryInMs`) and the poller waits interval·2ⁿ (n failures in a row,
 *   at most `maxBackoffMs`) before the next try; a success resets n.
 * - When its last subscriber leaves, the poller stops: its timer is cleared and the poll in
 *   flight, if any, is aborted; nothing of it is left running.
 * - The registry key holds a hash of the credential, never the credential itself.
 */
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../errors.js';
import type { GatewayContext } from '../graphql/context.js';
import type { ChangeDetector, ChangeKind } from './changes.js';

/** One event as the subscription fields resolve it. */
export interface LiveEvent {
  kind: ChangeKind;
  node: object;
  changedFields: string[];
  observedAt: string;
}

/**
 * What a poller hands each subscriber: an event, or the coded error of a failed poll; `final` when
 * the poller gave up (a BAD_USER_INPUT failure, which no retry can fix) and the subscription ends.
 */
export type PollerMessage = { event: LiveEvent } | { error: GraphQLError; final?: boolean };

/** How a poller is set up. */
export interface PollerOptions {
  detector: ChangeDetector<GatewayContext>;
  intervalMs: number;
  maxBackoffMs: number;
  /** A fresh context per poll (fresh sessions, its own time budget), aborted with `signal`. */
  context(signal: AbortSignal): GatewayContext;
}

/** The shared poller of one key. */
export class Poller {
  private readonly listeners = new Set<(message: PollerMessage) => void>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private lastError: GraphQLError | undefined;
  /** Why the poller gave up for good, if it did. */
  failure: GraphQLError | undefined;
  private baselined = false;
  private stopped = false;
  /** Polls completed (successful or not); tests and the bench read it. */
  polls = 0;
  /** Resolves once the first poll (the baseline) has ended, read or failed. */
  readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(private readonly options: PollerOptions) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    void this.run();
  }

  /** How many subscribers listen. */
  get subscribers(): number {
    return this.listeners.size;
  }

  /** Adds a subscriber; a poller whose baseline failed tells it at once. */
  listen(listener: (message: PollerMessage) => void): () => void {
    this.listeners.add(listener);
    if (!this.baselined && this.lastError) listener({ error: this.lastError });
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Stops polling for good: clears the timer and aborts the poll in flight. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.abort.abort();
    this.markReady();
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  private async run(): Promise<void> {
    const started = Date.now();
    try {
      const changes = await this.options.detector.poll(this.options.context(this.abort.signal));
      if (this.stopped) return;
      this.failures = 0;
      this.lastError = undefined;
      this.baselined = true;
      const observedAt = new Date().toISOString();
      for (const change of changes) this.emit({ event: { ...change, observedAt } });
    } catch (error) {
      if (this.stopped) return;
      if (error instanceof GraphQLError && error.extensions.code === ErrorCode.BAD_USER_INPUT) {
        // The subscription asks for something the vendor or the gateway refuses: retrying cannot help.
        this.failure = error;
        this.emit({ error, final: true });
        this.stop();
        return;
      }
      this.failures++;
      this.lastError = coded(error, this.delay(started));
      this.emit({ error: this.lastError });
    } finally {
      this.polls++;
      this.markReady();
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.run(), this.delay(started));
  }

  private delay(started: number): number {
    const { intervalMs, maxBackoffMs } = this.options;
    if (this.failures > 0) return Math.min(maxBackoffMs, intervalMs * 2 ** this.failures);
    return Math.max(0, intervalMs - (Date.now() - started));
  }

  private emit(message: PollerMessage): void {
    for (const listener of this.listeners) listener(message);
  }
}

/** Keeps a failure's code and upstream, adding when the poller tries again; masks anything else. */
function coded(error: unknown, retryInMs: number): GraphQLError {
  if (error instanceof GraphQLError && typeof error.extensions.code === 'string') {
    return new GraphQLError(error.message, {
      extensions: { ...error.extensions, retryInMs },
      originalError: error,
    });
  }
  return new GraphQLError('Unexpected error while polling.', {
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, retryInMs },
    originalError: error instanceof Error ? error : new Error(String(error)),
  });
}

/** The pollers of one gateway, shared by key; a poller lives while it has subscribers. */
export class PollerRegistry {
  private readonly pollers = new Map<string, Poller>();
  private readonly queues = new Set<MessageQueue>();
  private closed = false;

  /** Running pollers. */
  get size(): number {
    return this.pollers.size;
  }

  /** Subscribers across every poller. */
  get subscribers(): number {
    let n = 0;
    for (const poller of this.pollers.values()) n += poller.subscribers;
    return n;
  }

  /** The keys of the running pollers (field, normalised filter, credential hash). */
  keys(): string[] {
    return [...this.pollers.keys()];
  }

  /** The poller of a key, if one runs (tests and the bench read its `polls`). */
  get(key: string): Poller | undefined {
    return this.pollers.get(key);
  }

  /**
   * Joins the poller of `key` (starting it with `options()` if none runs) once its baseline is
   * read; returns a queue of its messages whose `return()` leaves it.
   */
  async subscribe(key: string, options: () => PollerOptions): Promise<MessageQueue> {
    if (this.closed)
      throw new GraphQLError('The gateway is shutting down.', {
        extensions: { code: ErrorCode.UPSTREAM_UNAVAILABLE },
      });
    let poller = this.pollers.get(key);
    if (!poller) {
      poller = new Poller(options());
      this.pollers.set(key, poller);
    }
    await poller.ready;
    if (poller.isStopped || this.closed) {
      if (this.pollers.get(key) === poller) this.pollers.delete(key);
      throw (
        poller.failure ??
        new GraphQLError('The gateway is shutting down.', {
          extensions: { code: ErrorCode.UPSTREAM_UNAVAILABLE },
        })
      );
    }
    const target = poller;
    const queue = new MessageQueue(() => {
      leave();
      if (target.isStopped) this.pollers.delete(key);
    });
    const leave = target.listen((message) => queue.push(message));
    this.queues.add(queue);
    queue.onEnd = () => this.queues.delete(queue);
    return queue;
  }

  /** Stops every poller and ends every subscriber's queue (gateway shutdown). */
  close(): void {
    this.closed = true;
    for (const queue of [...this.queues]) void queue.return();
    for (const poller of this.pollers.values()) poller.stop();
    this.pollers.clear();
  }
}

/** The most messages waiting for one slow subscriber before its subscription is ended. */
export const MAX_QUEUED_MESSAGES = 10_000;

/** A subscriber's queue of poller messages, read as an async iterator. */
export class MessageQueue implements AsyncIterableIterator<PollerMessage> {
  private readonly items: PollerMessage[] = [];
  private waiting: ((result: IteratorResult<PollerMessage>) => void) | undefined;
  private ended = false;
  onEnd: (() => void) | undefined;

  constructor(private readonly onClose: () => void) {}

  /** Queues a message; a final one ends the queue after it, as does a subscriber too slow to keep up. */
  push(message: PollerMessage): void {
    if (this.ended) return;
    if ('final' in message && message.final) {
      this.items.push(message);
      this.flush();
      this.finish();
      return;
    }
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: message, done: false });
      return;
    }
    if (this.items.length >= MAX_QUEUED_MESSAGES) {
      this.items.length = 0;
      this.items.push({
        error: new GraphQLError(
          `More than ${MAX_QUEUED_MESSAGES} events waited for this subscriber; resubscribe.`,
          {
            extensions: { code: ErrorCode.RATE_LIMITED },
          },
        ),
      });
      this.finish();
      return;
    }
    this.items.push(message);
  }

  private flush(): void {
    if (!this.waiting) return;
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve({ value: this.items.shift() as PollerMessage, done: false });
  }

  next(): Promise<IteratorResult<PollerMessage>> {
    const item = this.items.shift();
    if (item) return Promise.resolve({ value: item, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<PollerMessage>> {
    this.items.length = 0;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(): Promise<IteratorResult<PollerMessage>> {
    return this.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.onClose();
    this.onEnd?.();
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.({ value: undefined, done: true });
  }
}

import type { Clock } from '../clock.js';
import { CreationOrder } from '../domain/creation-order.js';
import { DAY, SECOND } from '../domain/durations.js';
import type { Db } from '../store/database.js';
import { requestLogRepository, type LoggedCall, type RequestLogFilter } from '../store/repositories/request-log.js';
import type { RequestLogEntry } from '../store/schema.js';

export type { LoggedCall } from '../store/repositories/request-log.js';

/** How long calls are kept: long enough for a certification run and a week of dashboard history. */
export const REQUEST_LOG_RETENTION_MS = 14 * DAY;
const FLUSH_INTERVAL_MS = SECOND;
/** A burst of this many buffered calls is written at once instead of waiting for the next flush. */
const FLUSH_AT = 1000;
/**
 * Calls kept unwritten at most. A flush that fails puts its calls back for the next one; while the database
 * refuses, beyond this many the oldest are dropped, so a failing database cannot exhaust the memory.
 */
const MAX_BUFFERED = 100_000;

/** The polling endpoints (SPEC §2.5): their answers carry pollDelayInMs, which the next poll must respect. */
const POLL_ROUTES = new Set(['/pos/v10/payments/:paymentid', '/pos/v10/refunds/:refundid', '/pos/v10/pointofsales/:posid/checkin']);

/** A recorded call as the dashboard and the CLI show it. */
export interface CallView {
  /** Wall time, epoch milliseconds */
  at: number;
  method: string;
  route: string;
  path: string;
  status: number;
  latencyMs: number;
  correlationId: string;
  idempotencyKey: string | null;
  polledTooSoon: boolean;
  /** Shown as "outside the contract": the contract says number (SPEC §2.7) */
  outsideContract: boolean;
}

export const callView = (entry: RequestLogEntry): CallView => ({
  at: entry.at,
  method: entry.method,
  route: entry.route,
  path: entry.path,
  status: entry.status,
  latencyMs: entry.latency_ms,
  correlationId: entry.correlation_id,
  idempotencyKey: entry.idempotency_key,
  polledTooSoon: entry.polled_too_soon === 1,
  outsideContract: entry.amount_as_string === 1,
});

/**
 * Every /pos/v10 call, a row each (SPEC §2.5, §10): what the dashboard and the certification report show, and
 * what the operator CLI prints. Recording is a push onto a buffer; the buffer is written in batches, off the
 * request's path. A poll of a payment, refund or check-in that comes sooner after the previous poll of the same
 * resource than the pollDelayInMs that poll was given is flagged (the call itself is answered as usual).
 */
export class RequestLog {
  /** The calls not yet written, oldest first. */
  #buffer: LoggedCall[] = [];
  readonly #order = new CreationOrder();
  /** When each client last polled each resource (by client id, then path), answered with a poll delay. */
  readonly #lastPoll = new Map<string, Map<string, number>>();
  #flushing: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;
  /** Told of a flush that failed; until start() none is told: its calls wait for the next flush all the same. */
  #onError: (error: unknown) => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly pollDelayMs: number,
    /** Told how many of the oldest unwritten calls were dropped (see MAX_BUFFERED) */
    private readonly onDropped: (calls: number) => void = () => {},
    private readonly maxBuffered = MAX_BUFFERED,
  ) {}

  /** Completes the call (its time, order and poll flag) and buffers it: the call's object is the buffered one. */
  record(call: LoggedCall): void {
    const at = this.clock.wallNow();
    call.at = at;
    call.callOrder = this.#order.next(at);
    if (call.method === 'GET' && POLL_ROUTES.has(call.route) && call.status === 200) {
      let polls = this.#lastPoll.get(call.clientId);
      if (!polls) this.#lastPoll.set(call.clientId, (polls = new Map()));
      const previous = polls.get(call.path);
      call.polledTooSoon = previous !== undefined && at - previous < this.pollDelayMs;
      polls.set(call.path, at);
    }
    // Once per burst: the flush takes every call buffered by the time it runs.
    if (this.#buffer.push(call) === FLUSH_AT) this.flush().catch(this.#onError);
  }

  /**
   * Writes what is buffered, in one transaction. Flushes never overlap, so the calls reach the database in
   * order. A flush that fails puts its calls back in front of those recorded meanwhile, for the next flush to
   * write, and rejects to its caller (the background work logs it).
   */
  flush(): Promise<void> {
    const write = async () => {
      const calls = this.#buffer;
      if (calls.length === 0) return;
      this.#buffer = [];
      try {
        await requestLogRepository.append(this.db, calls);
      } catch (error) {
        this.#putBack(calls);
        throw error;
      }
      this.#forgetOldPolls();
    };
    this.#flushing = this.#flushing.then(write, write);
    return this.#flushing;
  }

  /** Flushes every second until stopped. */
  start(onError: (error: unknown) => void): void {
    this.#onError = onError;
    this.#timer ??= setInterval(() => this.flush().catch(onError), FLUSH_INTERVAL_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.flush();
  }

  /** A client's recent calls, newest first, including those still buffered. */
  async recent(filter: RequestLogFilter): Promise<RequestLogEntry[]> {
    await this.flush();
    return requestLogRepository.recent(this.db, filter);
  }

  purgeExpired(): Promise<number> {
    return requestLogRepository.purgeOlderThan(this.db, this.clock.wallNow() - REQUEST_LOG_RETENTION_MS);
  }

  #putBack(calls: LoggedCall[]): void {
    const unwritten = calls.concat(this.#buffer);
    const over = unwritten.length - this.maxBuffered;
    if (over > 0) {
      unwritten.splice(0, over);
      this.onDropped(over);
    }
    this.#buffer = unwritten;
  }

  /** A poll older than the delay cannot make the next one too soon; forgetting it bounds the map. */
  #forgetOldPolls(): void {
    const before = this.clock.wallNow() - this.pollDelayMs;
    for (const [clientId, polls] of this.#lastPoll) {
      for (const [path, at] of polls) if (at < before) polls.delete(path);
      if (polls.size === 0) this.#lastPoll.delete(clientId);
    }
  }
}

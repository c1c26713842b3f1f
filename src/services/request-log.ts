import type { Clock } from '../clock.js';
import { CreationOrder } from '../domain/creation-order.js';
import { DAY, SECOND } from '../domain/durations.js';
import type { Db } from '../store/database.js';
import { CALLS_PER_ROW, requestLogRepository, storedCall, type CallsOfClient, type RequestLogFilter, type StoredCall } from '../store/repositories/request-log.js';
import type { RequestLogEntry } from '../store/schema.js';

/** How long calls are kept: long enough for a certification run and a week of dashboard history. */
export const REQUEST_LOG_RETENTION_MS = 14 * DAY;
const FLUSH_INTERVAL_MS = SECOND;
/** A burst past this many buffered calls is written at once instead of waiting for the next flush. */
const FLUSH_AT = 1000;

/** The polling endpoints (SPEC §2.5): their answers carry pollDelayInMs, which the next poll must respect. */
const POLL_ROUTES = new Set(['/pos/v10/payments/:paymentid', '/pos/v10/refunds/:refundid', '/pos/v10/pointofsales/:posid/checkin']);

export interface Call {
  clientId: string;
  method: string;
  route: string;
  path: string;
  status: number;
  latencyMs: number;
  correlationId: string;
  idempotencyKey: string | null;
  ibmClientId: string | null;
  /** Accepted outside the contract's letter (an amount sent as a string, SPEC §2.7) */
  outsideContract: boolean;
}

/** A recorded call as the dashboard and the CLI show it. */
export interface CallView extends Omit<Call, 'clientId' | 'ibmClientId'> {
  /** Wall time, epoch milliseconds */
  at: number;
  polledTooSoon: boolean;
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
  outsideContract: entry.outside_contract === 1,
});

/**
 * Every /pos/v10 call, per client (SPEC §2.5, §10): what the dashboard and the certification report show,
 * and what the operator CLI prints. Recording is a push onto a buffer; the buffer is written in batches, off
 * the request's path. A poll of a payment, refund or check-in that comes sooner after the previous poll of the
 * same resource than the pollDelayInMs that poll was given is flagged (the call itself is answered as usual), and
 * so is a call the HTTP layer accepted outside the contract (an amount sent as a string, SPEC §2.7).
 */
export class RequestLog {
  /** The calls not yet written, by client, oldest first. */
  #buffer = new Map<string, StoredCall[]>();
  #buffered = 0;
  readonly #batchOrder = new CreationOrder();
  /** When each client last polled each resource (by client id, then path), answered with a poll delay. */
  readonly #lastPoll = new Map<string, Map<string, number>>();
  #flushing: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly pollDelayMs: number,
  ) {}

  record(call: Call): void {
    const at = this.clock.wallNow();
    let polledTooSoon = false;
    if (call.method === 'GET' && POLL_ROUTES.has(call.route) && call.status === 200) {
      let polls = this.#lastPoll.get(call.clientId);
      if (!polls) this.#lastPoll.set(call.clientId, (polls = new Map()));
      const previous = polls.get(call.path);
      polledTooSoon = previous !== undefined && at - previous < this.pollDelayMs;
      polls.set(call.path, at);
    }
    let ofClient = this.#buffer.get(call.clientId);
    if (!ofClient) this.#buffer.set(call.clientId, (ofClient = []));
    ofClient.push(storedCall({
      at,
      method: call.method,
      route: call.route,
      path: call.path,
      status: call.status,
      latency_ms: Math.round(call.latencyMs * 1000) / 1000,
      correlation_id: call.correlationId,
      idempotency_key: call.idempotencyKey,
      ibm_client_id: call.ibmClientId,
      polled_too_soon: polledTooSoon ? 1 : 0,
      outside_contract: call.outsideContract ? 1 : 0,
    }));
    if (++this.#buffered >= FLUSH_AT) void this.flush();
  }

  /**
   * Writes what is buffered. Flushes never overlap, so the calls reach the database in order. A flush that
   * fails rejects to its caller (the background work logs it); the next one runs all the same.
   */
  flush(): Promise<void> {
    const write = async () => {
      const buffered = this.#buffer;
      if (this.#buffered === 0) return;
      this.#buffer = new Map();
      this.#buffered = 0;
      await requestLogRepository.append(this.db, this.#batches(buffered));
      this.#forgetOldPolls();
    };
    this.#flushing = this.#flushing.then(write, write);
    return this.#flushing;
  }

  /** Flushes every second until stopped. */
  start(onError: (error: unknown) => void): void {
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

  /** Batches of one client each, its calls in the order they were made, at most CALLS_PER_ROW a batch. */
  #batches(buffered: Map<string, StoredCall[]>): CallsOfClient[] {
    const now = this.clock.wallNow();
    const batches: CallsOfClient[] = [];
    for (const [clientId, calls] of buffered) {
      for (let i = 0; i < calls.length; i += CALLS_PER_ROW) {
        batches.push({ clientId, calls: calls.slice(i, i + CALLS_PER_ROW), order: this.#batchOrder.next(now) });
      }
    }
    return batches;
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

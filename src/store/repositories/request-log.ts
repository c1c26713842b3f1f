import { compiledOnce } from '../compiled-once.js';
import type { Db } from '../database.js';
import type { RequestLogEntry, RequestLogTable } from '../schema.js';

/**
 * A call as the request log buffers and writes it. The HTTP layer makes it, one object per call, and the log
 * completes it as it records it (its time, its order, whether it was a poll too soon): nothing else is made
 * per call before the flush.
 */
export interface LoggedCall {
  /** Wall time, epoch milliseconds; set by the log */
  at: number;
  /** Set by the log */
  callOrder: number;
  clientId: string;
  integratorId: string;
  merchantVat: string;
  systemName: string | null;
  systemVersion: string;
  method: string;
  route: string;
  path: string;
  resourceId: string | null;
  status: number;
  v10Code: string | null;
  idempotencyKey: string | null;
  correlationId: string;
  ibmClientId: string | null;
  latencyMs: number;
  /** Set by the log */
  polledTooSoon: boolean;
  amountAsString: boolean;
}

const rowOf = (c: LoggedCall): RequestLogTable => ({
  at: c.at,
  call_order: c.callOrder,
  client_id: c.clientId,
  integrator_id: c.integratorId,
  merchant_vat: c.merchantVat,
  system_name: c.systemName,
  system_version: c.systemVersion,
  method: c.method,
  route: c.route,
  path: c.path,
  resource_id: c.resourceId,
  status: c.status,
  v10_code: c.v10Code,
  idempotency_key: c.idempotencyKey,
  correlation_id: c.correlationId,
  ibm_client_id: c.ibmClientId,
  latency_ms: Math.round(c.latencyMs * 1000) / 1000,
  polled_too_soon: c.polledTooSoon ? 1 : 0,
  amount_as_string: c.amountAsString ? 1 : 0,
});

const PLACEHOLDER = rowOf({
  at: 0, callOrder: 0, clientId: '', integratorId: '', merchantVat: '', systemName: '', systemVersion: '', method: '', route: '', path: '', resourceId: '',
  status: 0, v10Code: '', idempotencyKey: '', correlationId: '', ibmClientId: '', latencyMs: 0, polledTooSoon: false, amountAsString: false,
});
/** The columns in the order the compiled INSERTs bind them: rowOf's, which the placeholder rows were compiled with. */
const COLUMNS = Object.keys(PLACEHOLDER) as Array<keyof RequestLogTable>;

/**
 * Rows per multi-row INSERT, largest first: a flush is cut into statements of these sizes only. A statement of
 * any other size would be another SQL text to compile and prepare, and flushes of every size would fill
 * SQLite's statement cache and push the polling GET's statements out. 512 rows bind 512 × 19 parameters,
 * well under SQLite's 32766 (and PostgreSQL's 65535).
 */
const STATEMENT_ROWS = [512, 64, 8, 1];
const inserts = STATEMENT_ROWS.map((rows) => ({
  rows,
  run: compiledOnce((db) => db.insertInto('request_log').values(Array.from({ length: rows }, () => PLACEHOLDER))),
}));

/** Rows removed per DELETE while purging, so a purge never holds the database for long. */
const PURGE_BATCH = 5000;

export interface RequestLogFilter {
  clientId: string;
  limit: number;
  onlyPolledTooSoon?: boolean;
}

/** One client's calls for one merchant, from `from` (inclusive) to `to` (exclusive), wall epoch milliseconds. */
export interface CallWindow {
  clientId: string;
  merchantVat: string;
  from: number;
  to: number;
}

/** The calls sent with one idempotency key to one route: a call and its retries. */
export interface KeyedCalls {
  idempotencyKey: string;
  route: string;
  calls: number;
  firstAt: number;
  lastAt: number;
  /** How many of the calls got each status, by status */
  statuses: Record<number, number>;
}

/** The polls of one payment, refund or check-in that came sooner than the pollDelayInMs given before. */
export interface PollsTooSoon {
  route: string;
  resourceId: string | null;
  tooSoon: number;
  firstAt: number;
  lastAt: number;
}

const inWindow = (db: Db, { clientId, merchantVat, from, to }: CallWindow) =>
  db
    .selectFrom('request_log')
    .where('client_id', '=', clientId)
    .where('merchant_vat', '=', merchantVat)
    .where('at', '>=', from)
    .where('at', '<', to);

export const requestLogRepository = {
  /** Writes calls, a row each, in multi-row INSERTs of the fixed sizes, in one transaction. */
  async append(db: Db, calls: readonly LoggedCall[]): Promise<void> {
    if (calls.length === 0) return;
    await db.transaction().execute(async (trx) => {
      let next = 0;
      for (const insert of inserts) {
        for (; calls.length - next >= insert.rows; next += insert.rows) {
          const parameters: unknown[] = [];
          for (let i = next; i < next + insert.rows; i++) {
            const row = rowOf(calls[i]!);
            for (const column of COLUMNS) parameters.push(row[column]);
          }
          await insert.run(trx, parameters);
        }
      }
    });
  },

  /** A client's most recent calls, newest first. */
  recent(db: Db, { clientId, limit, onlyPolledTooSoon }: RequestLogFilter): Promise<RequestLogEntry[]> {
    let query = db.selectFrom('request_log').selectAll().where('client_id', '=', clientId);
    if (onlyPolledTooSoon) query = query.where('polled_too_soon', '=', 1);
    return query.orderBy('at', 'desc').orderBy('call_order', 'desc').limit(limit).execute();
  },

  /** A client's calls for one merchant in a time window, oldest first. */
  inWindow(db: Db, window: CallWindow): Promise<RequestLogEntry[]> {
    return inWindow(db, window).selectAll().orderBy('at').orderBy('call_order').execute();
  },

  /** The window's calls that carried an idempotency key, by key and route, oldest first. */
  async byIdempotencyKey(db: Db, window: CallWindow): Promise<KeyedCalls[]> {
    const rows = await inWindow(db, window)
      .where('idempotency_key', 'is not', null)
      .select((eb) => ['idempotency_key', 'route', 'status', eb.fn.countAll<number>().as('calls'), eb.fn.min('at').as('first_at'), eb.fn.max('at').as('last_at')])
      .groupBy(['idempotency_key', 'route', 'status'])
      .execute();
    const groups = new Map<string, KeyedCalls>();
    for (const row of rows) {
      const key = `${row.idempotency_key!}\n${row.route}`;
      const calls = Number(row.calls);
      const group = groups.get(key);
      if (group) {
        group.calls += calls;
        group.firstAt = Math.min(group.firstAt, row.first_at);
        group.lastAt = Math.max(group.lastAt, row.last_at);
        group.statuses[row.status] = calls;
      } else {
        groups.set(key, { idempotencyKey: row.idempotency_key!, route: row.route, calls, firstAt: row.first_at, lastAt: row.last_at, statuses: { [row.status]: calls } });
      }
    }
    return [...groups.values()].sort((a, b) => a.firstAt - b.firstAt);
  },

  /** The window's polls that came too soon, by resource, oldest first. */
  async pollsTooSoon(db: Db, window: CallWindow): Promise<PollsTooSoon[]> {
    const rows = await inWindow(db, window)
      .where('polled_too_soon', '=', 1)
      .select((eb) => ['route', 'resource_id', eb.fn.countAll<number>().as('too_soon'), eb.fn.min('at').as('first_at'), eb.fn.max('at').as('last_at')])
      .groupBy(['route', 'resource_id'])
      .orderBy('first_at')
      .execute();
    return rows.map((row) => ({ route: row.route, resourceId: row.resource_id, tooSoon: Number(row.too_soon), firstAt: row.first_at, lastAt: row.last_at }));
  },

  /**
   * Removes the calls made before `before`, client by client and PURGE_BATCH calls at a time, oldest first (the
   * (client_id, at) index serves each step). A batch ends at a call's time and takes that whole millisecond.
   */
  async purgeOlderThan(db: Db, before: number): Promise<number> {
    const clients = await db.selectFrom('clients').select('client_id').execute();
    let removed = 0;
    for (const { client_id } of clients) {
      for (let more = true; more; ) {
        const last = await db
          .selectFrom('request_log')
          .select('at')
          .where('client_id', '=', client_id)
          .where('at', '<', before)
          .orderBy('at')
          .limit(1)
          .offset(PURGE_BATCH - 1)
          .executeTakeFirst();
        more = last !== undefined;
        const ofClient = db.deleteFrom('request_log').where('client_id', '=', client_id);
        const result = await (last ? ofClient.where('at', '<=', last.at) : ofClient.where('at', '<', before)).executeTakeFirst();
        removed += Number(result.numDeletedRows);
      }
    }
    return removed;
  },
};

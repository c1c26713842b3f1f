import { orderAt } from '../../domain/creation-order.js';
import type { Db } from '../database.js';
import type { RequestLogEntry } from '../schema.js';

/** Calls per batch row at most, so a burst of one client does not make one huge row. */
export const CALLS_PER_ROW = 1000;
/** Batch rows read at a time while collecting a client's recent calls. */
const ROWS_PER_READ = 20;

/** The order of a call's fields in its stored tuple (the client id is the row's). */
const FIELDS = [
  'at',
  'method',
  'route',
  'path',
  'status',
  'latency_ms',
  'correlation_id',
  'idempotency_key',
  'ibm_client_id',
  'polled_too_soon',
] as const satisfies readonly (keyof RequestLogEntry)[];

const toTuple = (call: RequestLogEntry): unknown[] => FIELDS.map((field) => call[field]);

function fromTuple(clientId: string, tuple: unknown[]): RequestLogEntry {
  const call: Record<string, unknown> = { client_id: clientId };
  FIELDS.forEach((field, i) => (call[field] = tuple[i]));
  return call as unknown as RequestLogEntry;
}

export interface RequestLogFilter {
  clientId: string;
  limit: number;
  onlyPolledTooSoon?: boolean;
}

export interface CallsOfClient {
  clientId: string;
  /** Oldest first; at most CALLS_PER_ROW */
  calls: RequestLogEntry[];
  /** The batch's place in the log: a CreationOrder of when it was written */
  order: number;
}

export const requestLogRepository = {
  /** Appends one flush, a row per batch, in one INSERT. */
  async append(db: Db, batches: CallsOfClient[]): Promise<void> {
    if (batches.length === 0) return;
    await db
      .insertInto('request_log')
      .values(batches.map((b) => ({ client_id: b.clientId, batch_order: b.order, calls: JSON.stringify(b.calls.map(toTuple)) })))
      .execute();
  },

  /** A client's most recent calls, newest first. */
  async recent(db: Db, filter: RequestLogFilter): Promise<RequestLogEntry[]> {
    const found: RequestLogEntry[] = [];
    for (let before = Number.MAX_SAFE_INTEGER; found.length < filter.limit; ) {
      const rows = await db
        .selectFrom('request_log')
        .select(['calls', 'batch_order'])
        .where('client_id', '=', filter.clientId)
        .where('batch_order', '<', before)
        .orderBy('batch_order', 'desc')
        .limit(ROWS_PER_READ)
        .execute();
      for (const row of rows) {
        const calls = (JSON.parse(row.calls) as unknown[][]).map((tuple) => fromTuple(filter.clientId, tuple)).reverse();
        found.push(...(filter.onlyPolledTooSoon ? calls.filter((c) => c.polled_too_soon === 1) : calls));
      }
      if (rows.length < ROWS_PER_READ) break;
      before = rows[rows.length - 1]!.batch_order;
    }
    return found.slice(0, filter.limit);
  },

  /** Removes the batches written before `before`, client by client (the index serves each delete). */
  async purgeOlderThan(db: Db, before: number): Promise<number> {
    const clients = await db.selectFrom('clients').select('client_id').execute();
    let removed = 0;
    for (const { client_id } of clients) {
      const result = await db
        .deleteFrom('request_log')
        .where('client_id', '=', client_id)
        .where('batch_order', '<', orderAt(before))
        .executeTakeFirst();
      removed += Number(result.numDeletedRows);
    }
    return removed;
  },
};

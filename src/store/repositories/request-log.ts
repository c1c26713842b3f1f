import { orderAt } from '../../domain/creation-order.js';
import type { Db } from '../database.js';
import type { RequestLogEntry } from '../schema.js';

/** Calls per batch row at most, so a burst of one client does not make one huge row. */
export const CALLS_PER_ROW = 1000;
/** Batch rows read at a time while collecting a client's recent calls. */
const ROWS_PER_READ = 20;

/** A call as stored in its batch: its fields in this order (the client id is the row's). */
export type StoredCall = [
  at: number,
  method: string,
  route: string,
  path: string,
  status: number,
  latency_ms: number,
  correlation_id: string,
  idempotency_key: string | null,
  ibm_client_id: string | null,
  polled_too_soon: number,
];

/** Made as each call is recorded, so a buffered call is one small array until its flush. */
export const storedCall = (c: Omit<RequestLogEntry, 'client_id'>): StoredCall => [
  c.at,
  c.method,
  c.route,
  c.path,
  c.status,
  c.latency_ms,
  c.correlation_id,
  c.idempotency_key,
  c.ibm_client_id,
  c.polled_too_soon,
];

function fromStored(
  client_id: string,
  [at, method, route, path, status, latency_ms, correlation_id, idempotency_key, ibm_client_id, polled_too_soon]: StoredCall,
): RequestLogEntry {
  return { client_id, at, method, route, path, status, latency_ms, correlation_id, idempotency_key, ibm_client_id, polled_too_soon };
}

export interface RequestLogFilter {
  clientId: string;
  limit: number;
  onlyPolledTooSoon?: boolean;
}

export interface CallsOfClient {
  clientId: string;
  /** Oldest first; at most CALLS_PER_ROW */
  calls: StoredCall[];
  /** The batch's place in the log: a CreationOrder of when it was written */
  order: number;
}

export const requestLogRepository = {
  /** Appends one flush, a row per batch, in one INSERT. */
  async append(db: Db, batches: CallsOfClient[]): Promise<void> {
    if (batches.length === 0) return;
    await db
      .insertInto('request_log')
      .values(batches.map((b) => ({ client_id: b.clientId, batch_order: b.order, calls: JSON.stringify(b.calls) })))
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
        const calls = (JSON.parse(row.calls) as StoredCall[]).map((call) => fromStored(filter.clientId, call)).reverse();
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

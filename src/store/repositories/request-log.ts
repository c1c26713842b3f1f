import { compiledOnce } from '../compiled-once.js';
import type { Db } from '../database.js';
import type { NewRequestLogEntry, RequestLogEntry } from '../schema.js';

/** Rows per INSERT: well under SQLite's limit of bound parameters. */
const ROWS_PER_INSERT = 100;

const COLUMNS = [
  'client_id',
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
] as const satisfies readonly (keyof NewRequestLogEntry)[];

/**
 * The INSERT of `rows` rows, compiled once per size: a busy platform logs thousands of calls a second, and
 * building a multi-row INSERT with Kysely costs more per row than the row's insert itself.
 */
const insertOfRows = new Map<number, ReturnType<typeof compiledOnce>>();
function insertOf(rows: number) {
  let insert = insertOfRows.get(rows);
  if (!insert) {
    const placeholder = Object.fromEntries(COLUMNS.map((c) => [c, ''])) as unknown as NewRequestLogEntry;
    insert = compiledOnce((db) => db.insertInto('request_log').values(Array.from({ length: rows }, () => placeholder)));
    insertOfRows.set(rows, insert);
  }
  return insert;
}

export interface RequestLogFilter {
  clientId: string;
  limit: number;
  onlyPolledTooSoon?: boolean;
}

export const requestLogRepository = {
  async append(db: Db, entries: NewRequestLogEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += ROWS_PER_INSERT) {
      const rows = entries.slice(i, i + ROWS_PER_INSERT);
      await insertOf(rows.length)(db, rows.flatMap((row) => COLUMNS.map((column) => row[column])));
    }
  },

  /** A client's most recent calls, newest first. */
  recent(db: Db, filter: RequestLogFilter): Promise<RequestLogEntry[]> {
    let query = db.selectFrom('request_log').selectAll().where('client_id', '=', filter.clientId);
    if (filter.onlyPolledTooSoon) query = query.where('polled_too_soon', '=', 1);
    return query.orderBy('at', 'desc').limit(filter.limit).execute();
  },

  /** Removes calls older than `before`, client by client, so the (client, time) index serves each delete. */
  async purgeOlderThan(db: Db, before: number): Promise<number> {
    const clients = await db.selectFrom('clients').select('client_id').execute();
    let removed = 0;
    for (const { client_id } of clients) {
      const result = await db.deleteFrom('request_log').where('client_id', '=', client_id).where('at', '<', before).executeTakeFirst();
      removed += Number(result.numDeletedRows);
    }
    return removed;
  },
};

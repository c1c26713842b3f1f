import type { Db } from '../database.js';
import type { NewRequestLogEntry, RequestLogEntry } from '../schema.js';

/** Rows per INSERT: well under SQLite's limit of bound parameters. */
const ROWS_PER_INSERT = 500;

export interface RequestLogFilter {
  clientId: string;
  limit: number;
  onlyPolledTooSoon?: boolean;
}

export const requestLogRepository = {
  async append(db: Db, entries: NewRequestLogEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += ROWS_PER_INSERT) {
      await db.insertInto('request_log').values(entries.slice(i, i + ROWS_PER_INSERT)).execute();
    }
  },

  /** A client's most recent calls, newest first. */
  recent(db: Db, filter: RequestLogFilter): Promise<RequestLogEntry[]> {
    let query = db.selectFrom('request_log').selectAll().where('client_id', '=', filter.clientId);
    if (filter.onlyPolledTooSoon) query = query.where('polled_too_soon', '=', 1);
    return query.orderBy('at', 'desc').limit(filter.limit).execute();
  },

  async purgeOlderThan(db: Db, before: number): Promise<number> {
    const result = await db.deleteFrom('request_log').where('at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  },
};

import { SqliteDialect, type DatabaseConnection, type Driver, type SqliteDialectConfig, type TransactionSettings } from 'kysely';

/** What waits longer than this for SQLite's connection is refused (SQLite's own busy_timeout is the same). */
export const SQLITE_CONNECTION_WAIT_MS = 5_000;

/** A query waited too long for SQLite's one connection: most likely run on the pool inside a transaction. */
export class ConnectionWaitError extends Error {}

/**
 * SQLite has one connection, held by a transaction for as long as it runs. A query made on the pool (rather than
 * on the transaction's handle) from inside a transaction waits for that transaction, which waits for it: without
 * a bound, the request hangs forever and every later query queues behind it. Carrying the transaction in
 * AsyncLocalStorage would avoid the mistake but costs every promise of the process; instead a wait is bounded,
 * so the mistake fails fast, names itself, and rolls the transaction back, which frees the connection.
 *
 * Free connection: no timer, nothing added. Busy: the wait is raced against the bound, and a waiter that gave up
 * releases the connection as soon as it gets it.
 */
class BoundedWaitDriver implements Driver {
  /** Acquirers that have not released: the holder and those waiting behind it. */
  #users = 0;

  constructor(
    private readonly inner: Driver,
    private readonly maxWaitMs: number,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    if (this.#users++ === 0) return this.inner.acquireConnection();
    return new Promise((resolve, reject) => {
      let gaveUp = false;
      const timer = setTimeout(() => {
        gaveUp = true;
        reject(new ConnectionWaitError(`a query waited ${this.maxWaitMs} ms for the SQLite connection: is it run on the pool inside a transaction?`));
      }, this.maxWaitMs);
      this.inner.acquireConnection().then((connection) => {
        if (!gaveUp) {
          clearTimeout(timer);
          resolve(connection);
        } else {
          void this.releaseConnection(connection);
        }
      }, reject);
    });
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    this.#users--;
    await this.inner.releaseConnection(connection);
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** Kysely's SQLite dialect whose connection waits are bounded (see BoundedWaitDriver). */
export class BoundedWaitSqliteDialect extends SqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    private readonly maxWaitMs: number,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new BoundedWaitDriver(super.createDriver(), this.maxWaitMs);
  }
}

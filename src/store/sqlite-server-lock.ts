import SQLite from 'better-sqlite3';

/** An SQLite file that another platform process already serves. */
export class DatabaseInUseError extends Error {}

/**
 * Claims the right to serve an SQLite database file, for as long as this process keeps the returned handle open.
 * One platform process serves an SQLite file (it keeps payments in memory, which a second process's writes would
 * make stale; several processes share a PostgreSQL instead), so a second one must refuse to start. The claim is an
 * exclusive SQLite lock on a companion file: the operating system drops it when the process ends, however it ends
 * (kill -9 included), so no stale claim survives a crash. The operator CLI writes the database itself and never
 * takes this lock, so it still runs beside the server.
 */
export function claimServerLock(databaseFile: string): { release(): void } {
  const lockFile = `${databaseFile}.server-lock`;
  const lock = new SQLite(lockFile, { timeout: 0 });
  try {
    // In exclusive locking mode SQLite keeps the lock of its first write until the connection closes.
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('CREATE TABLE IF NOT EXISTS server (pid INTEGER); DELETE FROM server;');
    lock.prepare('INSERT INTO server (pid) VALUES (?)').run(process.pid);
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new DatabaseInUseError(
        `${databaseFile} is already served by another platform process (one process serves an SQLite file; use PostgreSQL to run several)`,
      );
    }
    throw error;
  }
  return { release: () => lock.close() };
}

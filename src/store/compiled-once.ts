import type { CompiledQuery, Compilable } from 'kysely';
import type { Db } from './database.js';

/**
 * A query built and compiled once per engine, then run with fresh parameters. On the hot paths (the polling
 * GETs) Kysely's building and compiling costs more than the lookup itself. `build` is given placeholder
 * values; the parameters passed at each run replace them, in the order they appear in the SQL.
 */
export function compiledOnce<Row>(build: (db: Db) => Compilable<Row>): (db: Db, parameters: readonly unknown[]) => Promise<Row[]> {
  // Keyed by the dialect's adapter, which a transaction shares with its database: one compilation per engine.
  const compiled = new WeakMap<object, CompiledQuery<Row>>();
  return async (db, parameters) => {
    const adapter = db.getExecutor().adapter;
    let query = compiled.get(adapter);
    if (!query) {
      query = build(db).compile();
      compiled.set(adapter, query);
    }
    // A wrong count would silently bind values to the wrong placeholders.
    if (parameters.length !== query.parameters.length) {
      throw new Error(`compiled query takes ${query.parameters.length} parameters, got ${parameters.length}: ${query.sql}`);
    }
    return (await db.executeQuery<Row>({ ...query, parameters })).rows;
  };
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DomainError } from '../../src/domain/errors.js';
import { untilSaved } from '../../src/services/state-change.js';
import type { Db } from '../../src/store/database.js';

/** A database whose transactions just run their callback: enough for the retry loop. */
const database = { transaction: () => ({ execute: <T>(attempt: (trx: Db) => Promise<T>) => attempt(database) }) } as unknown as Db;

test('a state change that loses the race on every attempt is refused with 409 3000, not an internal error', async () => {
  let attempts = 0;
  await assert.rejects(
    untilSaved(database, async () => (attempts++, false)),
    (error: unknown) => error instanceof DomainError && error.status === 409 && error.code === '3000',
  );
  assert.equal(attempts, 5);
});

test('a state change saved on a later attempt is not refused', async () => {
  let attempts = 0;
  await untilSaved(database, async () => ++attempts === 3);
  assert.equal(attempts, 3);
});

import { compiledOnce } from '../compiled-once.js';
import type { Db } from '../database.js';
import type { Customer } from '../schema.js';

const byPhone = compiledOnce((db) => db.selectFrom('customers').selectAll().where('phone_number', '=', ''));

export const customersRepository = {
  async findByPhone(db: Db, phoneNumber: string): Promise<Customer | undefined> {
    return (await byPhone(db, [phoneNumber]))[0];
  },

  list(db: Db): Promise<Customer[]> {
    return db.selectFrom('customers').selectAll().orderBy('phone_number').execute();
  },

  /** Creates the customer or updates its profile; its tokens, once given, never change. */
  async upsert(db: Db, customer: Customer): Promise<void> {
    await db
      .insertInto('customers')
      .values(customer)
      .onConflict((oc) =>
        oc.column('phone_number').doUpdateSet({
          payment_source: customer.payment_source,
          loyalty_ids: customer.loyalty_ids,
          partial_capture_possible: customer.partial_capture_possible,
        }),
      )
      .execute();
  },
};

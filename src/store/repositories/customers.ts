import type { Selectable } from 'kysely';
import type { CustomerRecord } from '../../domain/customer.js';
import { compiledOnce } from '../compiled-once.js';
import type { Db } from '../database.js';
import type { CustomerTable } from '../schema.js';

const byPhone = compiledOnce((db) => db.selectFrom('customers').selectAll().where('phone_number', '=', ''));

export const customersRepository = {
  async findByPhone(db: Db, phoneNumber: string): Promise<CustomerRecord | undefined> {
    const row = (await byPhone(db, [phoneNumber]))[0];
    return row ? toRecord(row) : undefined;
  },

  async list(db: Db): Promise<CustomerRecord[]> {
    return (await db.selectFrom('customers').selectAll().orderBy('phone_number').execute()).map(toRecord);
  },

  /** Creates the customer or updates its profile; its tokens, once given, never change. */
  async upsert(db: Db, customer: CustomerRecord): Promise<void> {
    const row = toRow(customer);
    await db
      .insertInto('customers')
      .values(row)
      .onConflict((oc) =>
        oc.column('phone_number').doUpdateSet({
          payment_source: row.payment_source,
          loyalty_ids: row.loyalty_ids,
          partial_capture_possible: row.partial_capture_possible,
        }),
      )
      .execute();
  },
};

/** A row as the domain reads it: loyalty ids parsed, the 0/1 flag a boolean. */
const toRecord = (row: Selectable<CustomerTable>): CustomerRecord => ({
  phoneNumber: row.phone_number,
  paymentSource: row.payment_source,
  loyaltyIds: JSON.parse(row.loyalty_ids) as string[],
  partialCapturePossible: row.partial_capture_possible === 1,
  customerToken: row.customer_token,
  customerReceiptToken: row.customer_receipt_token,
});

const toRow = (customer: CustomerRecord): CustomerTable => ({
  phone_number: customer.phoneNumber,
  payment_source: customer.paymentSource,
  loyalty_ids: JSON.stringify(customer.loyaltyIds),
  partial_capture_possible: customer.partialCapturePossible ? 1 : 0,
  customer_token: customer.customerToken,
  customer_receipt_token: customer.customerReceiptToken,
});

import type { BeaconType, NewPointOfSale, PointOfSale } from '../../domain/point-of-sale.js';
import { compiledOnce } from '../compiled-once.js';
import { reportingUniqueViolations } from '../constraint-violation.js';
import type { Db } from '../database.js';
import type { PointOfSaleRow } from '../schema.js';

export interface PointOfSaleFilter {
  integratorId: string;
  merchantId: string;
  storeId?: string;
  beaconId?: string;
  merchantPosId?: string;
}

const toPointOfSale = (row: PointOfSaleRow): PointOfSale => ({
  posId: row.pos_id,
  merchantId: row.merchant_id,
  integratorId: row.integrator_id,
  storeId: row.store_id,
  merchantPosId: row.merchant_pos_id,
  name: row.name,
  beaconId: row.beacon_id,
  supportedBeaconTypes: JSON.parse(row.supported_beacon_types) as BeaconType[],
  callbackAlias: row.callback_alias,
  requirePaymentBeforeCheckin: row.require_payment_before_checkin === 1,
  createdAt: row.created_at,
  deletedAt: row.deleted_at,
});

const byId = compiledOnce((db) => db.selectFrom('points_of_sale').selectAll().where('pos_id', '=', ''));
const activeByBeacon = compiledOnce((db) =>
  db.selectFrom('points_of_sale').selectAll().where('beacon_id', '=', '').where('deleted_at', 'is', null),
);
const lockRow = compiledOnce((db) => db.updateTable('points_of_sale').set((eb) => ({ pos_id: eb.ref('pos_id') })).where('pos_id', '=', ''));

export const pointsOfSaleRepository = {
  async findById(db: Db, posId: string): Promise<PointOfSale | undefined> {
    const row = (await byId(db, [posId]))[0];
    return row && toPointOfSale(row);
  },

  /** Compiled once: every customer action finds its PoS by beacon. */
  async findActiveByBeacon(db: Db, beaconId: string): Promise<PointOfSale | undefined> {
    const row = (await activeByBeacon(db, [beaconId]))[0];
    return row && toPointOfSale(row);
  },

  async existsActiveWithMerchantPosId(db: Db, integratorId: string, merchantId: string, merchantPosId: string): Promise<boolean> {
    const row = await db
      .selectFrom('points_of_sale')
      .select('pos_id')
      .where('integrator_id', '=', integratorId)
      .where('merchant_id', '=', merchantId)
      .where('merchant_pos_id', '=', merchantPosId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row !== undefined;
  },

  /** Active points of sale of one integrator and merchant matching every given filter. */
  async listActiveIds(db: Db, filter: PointOfSaleFilter): Promise<string[]> {
    let query = db
      .selectFrom('points_of_sale')
      .select('pos_id')
      .where('integrator_id', '=', filter.integratorId)
      .where('merchant_id', '=', filter.merchantId)
      .where('deleted_at', 'is', null);
    if (filter.storeId !== undefined) query = query.where('store_id', '=', filter.storeId);
    if (filter.beaconId !== undefined) query = query.where('beacon_id', '=', filter.beaconId);
    if (filter.merchantPosId !== undefined) query = query.where('merchant_pos_id', '=', filter.merchantPosId);
    const rows = await query.orderBy('created_at').orderBy('pos_id').execute();
    return rows.map((r) => r.pos_id);
  },

  /**
   * Locks a PoS row until the transaction ends: a check-in and a payment created on one PoS take this lock first,
   * so one of them waits for the other's commit and then sees it (under PostgreSQL's read committed, each would
   * otherwise miss the other: an active payment beside a waiting check-in). A no-op update is the row lock both
   * engines understand (SQLite has no FOR UPDATE; its writers are serialized anyway).
   */
  async lockForPairing(db: Db, posId: string): Promise<void> {
    await lockRow(db, [posId]);
  },

  /** Throws UniqueViolation('activeBeacon' or 'activeMerchantPosId') when an active PoS has the beacon or merchantPosId. */
  async insert(db: Db, pos: NewPointOfSale): Promise<void> {
    const row = {
      pos_id: pos.posId,
      merchant_id: pos.merchantId,
      integrator_id: pos.integratorId,
      store_id: pos.storeId,
      merchant_pos_id: pos.merchantPosId,
      name: pos.name,
      beacon_id: pos.beaconId,
      supported_beacon_types: JSON.stringify(pos.supportedBeaconTypes),
      callback_alias: pos.callbackAlias,
      require_payment_before_checkin: pos.requirePaymentBeforeCheckin ? 1 : 0,
      created_at: pos.createdAt,
      deleted_at: null,
    };
    await reportingUniqueViolations(db.insertInto('points_of_sale').values(row).execute());
  },

  /** Marks an active PoS deleted; false when it was already deleted (a lost race or a retry). */
  async markDeleted(db: Db, posId: string, at: number): Promise<boolean> {
    const result = await db
      .updateTable('points_of_sale')
      .set({ deleted_at: at })
      .where('pos_id', '=', posId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  },
};

import type { Clock } from '../clock.js';
import { DomainError } from '../domain/errors.js';
import { canonicalBeaconId, isBeaconId, newId } from '../domain/ids.js';
import { isValidText } from '../domain/valid-chars.js';
import type { Db } from '../store/database.js';
import { UniqueViolation } from '../store/constraint-violation.js';
import { merchantsRepository } from '../store/repositories/merchants.js';
import { pointsOfSaleRepository } from '../store/repositories/points-of-sale.js';
import type { PointOfSale } from '../store/schema.js';
import type { Caller } from './caller.js';
import type { MerchantDirectory } from './merchant-directory.js';

export type BeaconType = 'QR' | 'NFC' | 'Bluetooth';

export interface CreatePosInput {
  merchantPosId: string;
  storeId: string;
  name: string;
  beaconId?: string | null;
  callbackAlias?: string | null;
  supportedBeaconTypes: BeaconType[];
  requirePaymentBeforeCheckin?: boolean;
}

/** A PoS as the v10 contract's `PosResponse` names it. */
export interface PosView {
  posId: string;
  merchantPosId: string;
  storeId: string;
  name: string;
  beaconId: string;
  callbackAlias?: string | null;
  supportedBeaconTypes: BeaconType[];
  requirePaymentBeforeCheckin: boolean;
}

export interface PosQuery {
  storeId?: string;
  beaconId?: string;
  merchantPosId?: string;
}

/** Which ownership refusal an operation gives when the PoS is another merchant's (same integrator). */
type OtherMerchantError = 'QUERY_POS_FOR_OTHER_MERCHANT' | 'DELETE_POS_FOR_OTHER_MERCHANT';

export const toPosView = (pos: PointOfSale): PosView => ({
  posId: pos.pos_id,
  merchantPosId: pos.merchant_pos_id,
  storeId: pos.store_id,
  name: pos.name,
  beaconId: pos.beacon_id,
  callbackAlias: pos.callback_alias,
  supportedBeaconTypes: JSON.parse(pos.supported_beacon_types) as BeaconType[],
  requirePaymentBeforeCheckin: pos.require_payment_before_checkin === 1,
});

export class PointsOfSaleService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly merchants: MerchantDirectory,
  ) {}

  /** Creates a PoS inside the caller's transaction (the idempotency claim shares it). */
  async create(trx: Db, caller: Caller, input: CreatePosInput): Promise<{ posId: string }> {
    if (!isValidText(input.merchantPosId)) throw new DomainError('INVALID_MERCHANT_POS_ID');
    if (!isValidText(input.name)) throw new DomainError('INVALID_POS_NAME');
    if (input.beaconId != null && !isBeaconId(input.beaconId)) throw new DomainError('INVALID_BEACON_ID');
    if (input.callbackAlias != null && !isValidText(input.callbackAlias)) throw new DomainError('INVALID_CALLBACK_ALIAS');

    const store = await merchantsRepository.findStore(trx, input.storeId);
    if (!store) throw new DomainError('STORE_NOT_FOUND');
    const merchantId = await this.merchants.merchantIdOf(caller.merchantVat, trx);
    if (store.merchant_id !== merchantId) throw new DomainError('STORE_OF_OTHER_MERCHANT');

    const beaconId = input.beaconId != null ? canonicalBeaconId(input.beaconId) : newId();
    // Checked first for a clear answer; the partial unique indexes decide when two creates race.
    if (await pointsOfSaleRepository.findActiveByMerchantPosId(trx, caller.integratorId, store.merchant_id, input.merchantPosId)) {
      throw new DomainError('MERCHANT_POS_ID_IN_USE');
    }
    if (await pointsOfSaleRepository.findActiveByBeacon(trx, beaconId)) throw new DomainError('BEACON_ID_IN_USE');

    const posId = newId();
    try {
      await pointsOfSaleRepository.insert(trx, {
        pos_id: posId,
        merchant_id: store.merchant_id,
        integrator_id: caller.integratorId,
        store_id: store.store_id,
        merchant_pos_id: input.merchantPosId,
        name: input.name,
        beacon_id: beaconId,
        supported_beacon_types: JSON.stringify(input.supportedBeaconTypes),
        callback_alias: input.callbackAlias ?? null,
        require_payment_before_checkin: input.requirePaymentBeforeCheckin ? 1 : 0,
        created_at: this.clock.now(),
        deleted_at: null,
      });
    } catch (error) {
      if (error instanceof UniqueViolation && error.rule === 'activeBeacon') throw new DomainError('BEACON_ID_IN_USE');
      if (error instanceof UniqueViolation && error.rule === 'activeMerchantPosId') throw new DomainError('MERCHANT_POS_ID_IN_USE');
      throw error;
    }
    return { posId };
  }

  async get(caller: Caller, posId: string): Promise<PosView> {
    return toPosView(await this.loadOwned(caller, posId, 'QUERY_POS_FOR_OTHER_MERCHANT'));
  }

  async list(caller: Caller, query: PosQuery): Promise<string[]> {
    const { storeId, beaconId, merchantPosId } = query;
    if (storeId === undefined && beaconId === undefined && merchantPosId === undefined) {
      throw new DomainError('POS_FILTER_NOT_SPECIFIC');
    }
    if (beaconId !== undefined && !isBeaconId(beaconId)) throw new DomainError('INVALID_BEACON_ID');
    if (merchantPosId !== undefined && !isValidText(merchantPosId)) throw new DomainError('INVALID_MERCHANT_POS_ID');
    const merchantId = await this.merchants.merchantIdOf(caller.merchantVat);
    if (storeId !== undefined) {
      const store = await merchantsRepository.findStore(this.db, storeId);
      if (store && store.merchant_id !== merchantId) throw new DomainError('STORE_OF_OTHER_MERCHANT');
    }
    if (!merchantId) return [];
    return pointsOfSaleRepository.listActiveIds(this.db, {
      integratorId: caller.integratorId,
      merchantId,
      storeId,
      beaconId: beaconId === undefined ? undefined : canonicalBeaconId(beaconId),
      merchantPosId,
    });
  }

  /**
   * Deletes a PoS. Deleting an already deleted PoS answers 200 like the first time: a client whose first
   * delete timed out retries, and must not be told the PoS is unknown.
   */
  async delete(caller: Caller, posId: string): Promise<void> {
    await this.loadOwned(caller, posId, 'DELETE_POS_FOR_OTHER_MERCHANT', { includeDeleted: true });
    await pointsOfSaleRepository.markDeleted(this.db, posId, this.clock.now());
  }

  /** The caller's PoS: 404 when unknown (or deleted), 1400 when another integrator's, `otherMerchant` when another merchant's. */
  async loadOwned(
    caller: Caller,
    posId: string,
    otherMerchant: OtherMerchantError,
    options: { includeDeleted?: boolean; db?: Db } = {},
  ): Promise<PointOfSale> {
    const db = options.db ?? this.db;
    const pos = await pointsOfSaleRepository.findById(db, posId);
    if (!pos || (pos.deleted_at !== null && !options.includeDeleted)) {
      throw new DomainError('NOT_FOUND', 'The point of sale was not found.');
    }
    if (pos.integrator_id !== caller.integratorId) throw new DomainError('POS_OF_OTHER_INTEGRATOR');
    if (pos.merchant_id !== (await this.merchants.merchantIdOf(caller.merchantVat, db))) throw new DomainError(otherMerchant);
    return pos;
  }
}

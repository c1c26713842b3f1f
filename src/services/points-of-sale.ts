import type { Static } from '@sinclair/typebox';
import type { Clock } from '../clock.js';
import { owned, ownStore, type OwnedOperation } from '../domain/access-guard.js';
import { DomainError } from '../domain/errors.js';
import { canonicalBeaconId, isBeaconId, newId } from '../domain/ids.js';
import type { BeaconType, PointOfSale } from '../domain/point-of-sale.js';
import { isValidText } from '../domain/valid-chars.js';
import type { Db } from '../store/database.js';
import { UniqueViolation } from '../store/constraint-violation.js';
import { merchantsRepository } from '../store/repositories/merchants.js';
import { pointsOfSaleRepository } from '../store/repositories/points-of-sale.js';
import type { PosResponse } from '../http/schemas/points-of-sale.js';
import type { Caller } from './caller.js';
import type { MerchantDirectory } from './access.js';

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
export type PosView = Static<typeof PosResponse>;

export interface PosQuery {
  storeId?: string;
  beaconId?: string;
  merchantPosId?: string;
}

export const toPosView = (pos: PointOfSale): PosView => ({
  posId: pos.posId,
  merchantPosId: pos.merchantPosId,
  storeId: pos.storeId,
  name: pos.name,
  beaconId: pos.beaconId,
  callbackAlias: pos.callbackAlias,
  supportedBeaconTypes: pos.supportedBeaconTypes,
  requirePaymentBeforeCheckin: pos.requirePaymentBeforeCheckin,
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

    const store = ownStore('createPosInStore', await merchantsRepository.findStore(trx, input.storeId), this.merchants.merchantIdOf(caller.merchantVat));

    const beaconId = input.beaconId != null ? canonicalBeaconId(input.beaconId) : newId();
    // Checked first for a clear answer; the partial unique indexes decide when two creates race.
    if (await pointsOfSaleRepository.existsActiveWithMerchantPosId(trx, caller.integratorId, store.merchantId, input.merchantPosId)) {
      throw new DomainError('MERCHANT_POS_ID_IN_USE');
    }
    if (await pointsOfSaleRepository.findActiveByBeacon(trx, beaconId)) throw new DomainError('BEACON_ID_IN_USE');

    const posId = newId();
    try {
      await pointsOfSaleRepository.insert(trx, {
        posId,
        merchantId: store.merchantId,
        integratorId: caller.integratorId,
        storeId: store.storeId,
        merchantPosId: input.merchantPosId,
        name: input.name,
        beaconId,
        supportedBeaconTypes: input.supportedBeaconTypes,
        callbackAlias: input.callbackAlias ?? null,
        requirePaymentBeforeCheckin: input.requirePaymentBeforeCheckin === true,
        createdAt: this.clock.now(),
      });
    } catch (error) {
      if (error instanceof UniqueViolation && error.rule === 'activeBeacon') throw new DomainError('BEACON_ID_IN_USE');
      if (error instanceof UniqueViolation && error.rule === 'activeMerchantPosId') throw new DomainError('MERCHANT_POS_ID_IN_USE');
      throw error;
    }
    return { posId };
  }

  async get(caller: Caller, posId: string): Promise<PosView> {
    return toPosView(await this.loadOwned(caller, posId, 'queryPos'));
  }

  async list(caller: Caller, query: PosQuery): Promise<string[]> {
    const { storeId, beaconId, merchantPosId } = query;
    if (storeId === undefined && beaconId === undefined && merchantPosId === undefined) {
      throw new DomainError('POS_FILTER_NOT_SPECIFIC');
    }
    if (beaconId !== undefined && !isBeaconId(beaconId)) throw new DomainError('INVALID_BEACON_ID');
    if (merchantPosId !== undefined && !isValidText(merchantPosId)) throw new DomainError('INVALID_MERCHANT_POS_ID');
    const merchantId = this.merchants.merchantIdOf(caller.merchantVat);
    if (storeId !== undefined) {
      const store = await merchantsRepository.findStore(this.db, storeId);
      if (store) ownStore('queryStore', store, merchantId);
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
    await this.loadOwned(caller, posId, 'deletePos', { includeDeleted: true });
    await pointsOfSaleRepository.markDeleted(this.db, posId, this.clock.now());
  }

  /** The caller's PoS (a deleted one counts as unknown unless `includeDeleted`), or the operation's refusal. */
  async loadOwned(
    caller: Caller,
    posId: string,
    operation: Extract<OwnedOperation, 'queryPos' | 'deletePos'>,
    options: { includeDeleted?: boolean } = {},
  ): Promise<PointOfSale> {
    const found = await pointsOfSaleRepository.findById(this.db, posId);
    const pos = found && (found.deletedAt === null || options.includeDeleted) ? found : undefined;
    return owned(operation, pos, caller.integratorId, this.merchants.merchantIdOf(caller.merchantVat));
  }
}

import type { Static } from '@sinclair/typebox';
import type { Clock } from '../clock.js';
import type { EngineTimings } from '../config.js';
import { isOwned, owned } from '../domain/access-guard.js';
import { DomainError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { fromMinorUnits, type CurrencyCode } from '../domain/money.js';
import type { RefundRecord, RefundRef } from '../domain/refund.js';
import { decideRefund, decideRefundCreation, refundTimeoutTarget } from '../domain/refund-state.js';
import { isValidText } from '../domain/valid-chars.js';
import type { GetRefundResponse } from '../http/schemas/refunds.js';
import type { Db } from '../store/database.js';
import { balancesRepository } from '../store/repositories/balances.js';
import { paymentsRepository } from '../store/repositories/payments.js';
import { refundsRepository } from '../store/repositories/refunds.js';
import type { Caller } from './caller.js';
import type { MerchantDirectory } from './access.js';
import { minorUnitsOf } from './payment-details.js';
import { changeState } from './state-change.js';

export interface CreateRefundInput {
  paymentId: string;
  refundOrderId: string;
  amount: number;
  currencyCode: CurrencyCode;
}

/** A refund as the v10 contract's `GetRefundResponse` names it. */
export type RefundView = Static<typeof GetRefundResponse>;

const toView = (r: RefundRecord, pollDelayInMs: number): RefundView => ({
  refundId: r.refundId,
  paymentId: r.paymentId,
  refundOrderId: r.refundOrderId,
  amount: fromMinorUnits(r.amount),
  currencyCode: r.currencyCode,
  status: r.status,
  pollDelayInMs,
});

/** Refunds of captured payments (SPEC §5). */
export class RefundsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly merchants: MerchantDirectory,
    private readonly timings: EngineTimings,
    private readonly pollDelayMs: number,
  ) {}

  /**
   * Creates a refund inside the caller's transaction (the idempotency claim shares it). The money is reserved
   * at once, in that transaction: the refund is booked against the payment's captured amount and the store's
   * balance by conditional updates, so parallel refunds can never exceed either. So it is saved in the status
   * the refund machine's `reserve` moves it to (decideRefundCreation).
   */
  async create(trx: Db, caller: Caller, input: CreateRefundInput): Promise<{ refundId: string }> {
    if (!isValidText(input.refundOrderId)) throw new DomainError('INVALID_REFUND_ORDER_ID');
    const amount = minorUnitsOf(input.amount);

    const payment = owned('refundPayment', await paymentsRepository.findById(trx, input.paymentId), caller.integratorId, this.merchants.merchantIdOf(caller.merchantVat));
    const now = this.clock.now();
    const decision = decideRefundCreation(payment, input.currencyCode, now);
    if (decision.kind === 'refuse') throw new DomainError(decision.error);
    if (!(await paymentsRepository.reserveRefundable(trx, payment.paymentId, amount))) throw new DomainError('REFUNDS_EXCEED_CAPTURED');
    if (!(await balancesRepository.debitIfCovered(trx, payment.storeId, amount))) throw new DomainError('REFUND_EXCEEDS_BALANCE');

    const refundId = newId();
    await refundsRepository.insert(trx, {
      refundId,
      paymentId: payment.paymentId,
      merchantId: payment.merchantId,
      integratorId: payment.integratorId,
      storeId: payment.storeId,
      refundOrderId: input.refundOrderId,
      amount,
      currencyCode: input.currencyCode,
      status: decision.to,
      expiresAt: now + this.timings.refundAutoCaptureMs,
      createdAt: now,
      updatedAt: now,
    });
    return { refundId };
  }

  async get(caller: Caller, refundId: string): Promise<RefundView> {
    return toView(await this.#loadOwned(this.db, caller, refundId), this.pollDelayMs);
  }

  /** The caller's refunds of a payment, oldest first. */
  async list(caller: Caller, paymentId: string | undefined): Promise<string[]> {
    if (paymentId === undefined) throw new DomainError('REFUND_FILTER_NOT_SPECIFIC');
    const payment = await paymentsRepository.findById(this.db, paymentId);
    if (!isOwned(payment, caller.integratorId, this.merchants.merchantIdOf(caller.merchantVat))) return [];
    return refundsRepository.listIdsByPayment(this.db, paymentId);
  }

  async capture(caller: Caller, refundId: string): Promise<void> {
    await changeState(this.db, {
      load: (trx) => this.#loadOwned(trx, caller, refundId),
      decide: (refund) => decideRefund(refund.status, 'capture'),
      move: (trx, refund, to) => refundsRepository.end(trx, refund, to, this.clock.now()),
    });
  }

  /** Cancels a refund before capture: its amount goes back to the payment's refundable amount and the store's balance. */
  async cancel(caller: Caller, refundId: string): Promise<void> {
    await changeState(this.db, {
      load: (trx) => this.#loadOwned(trx, caller, refundId),
      decide: (refund) => decideRefund(refund.status, 'clientCancel'),
      move: async (trx, refund, to) => {
        if (!(await refundsRepository.end(trx, refund, to, this.clock.now()))) return false;
        await paymentsRepository.releaseRefundable(trx, refund.paymentId, refund.amount);
        await balancesRepository.credit(trx, refund.storeId, refund.amount);
        return true;
      },
    });
  }

  /** Captures a refund left Reserved for 24 hours (ExpiredAndCaptured). False when it moved on meanwhile. */
  async expire(trx: Db, refund: RefundRef, now: number): Promise<boolean> {
    const to = refundTimeoutTarget(refund.status);
    if (to === null) return false;
    return refundsRepository.expire(trx, refund, to, this.clock.now(), now);
  }

  async #loadOwned(db: Db, caller: Caller, refundId: string): Promise<RefundRecord> {
    const refund = await refundsRepository.findById(db, refundId);
    return owned('actOnRefund', refund, caller.integratorId, this.merchants.merchantIdOf(caller.merchantVat));
  }
}

import type { Clock } from '../clock.js';
import type { EngineTimings } from '../config.js';
import { DAY } from '../domain/durations.js';
import { isOwned, owned } from '../domain/access-guard.js';
import { DomainError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { fromMinorUnits } from '../domain/money.js';
import { decideRefund, refundTimeoutTarget, type RefundStatus } from '../domain/refund-state.js';
import { isValidText } from '../domain/valid-chars.js';
import type { Db } from '../store/database.js';
import { balancesRepository } from '../store/repositories/balances.js';
import { paymentsRepository } from '../store/repositories/payments.js';
import { refundsRepository } from '../store/repositories/refunds.js';
import type { CurrencyCode, Refund } from '../store/schema.js';
import type { Caller } from './caller.js';
import type { MerchantDirectory } from './access.js';
import { minorUnitsOf } from './payment-details.js';
import { changeState } from './state-change.js';

/** How old a capture may be and still be refunded (MobilePay's rule). */
export const REFUND_WINDOW_MS = 90 * DAY;

export interface CreateRefundInput {
  paymentId: string;
  refundOrderId: string;
  amount: number;
  currencyCode: CurrencyCode;
}

/** A refund as the v10 contract's `GetRefundResponse` names it. */
export interface RefundView {
  refundId: string;
  paymentId: string;
  refundOrderId: string;
  amount: number;
  currencyCode: CurrencyCode;
  status: RefundStatus;
  pollDelayInMs: number;
}

const toView = (r: Refund, pollDelayInMs: number): RefundView => ({
  refundId: r.refund_id,
  paymentId: r.payment_id,
  refundOrderId: r.refund_order_id,
  amount: fromMinorUnits(r.amount),
  currencyCode: r.currency_code,
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
   * balance by conditional updates, so parallel refunds can never exceed either. So it starts Reserved.
   */
  async create(trx: Db, caller: Caller, input: CreateRefundInput): Promise<{ refundId: string }> {
    if (!isValidText(input.refundOrderId)) throw new DomainError('INVALID_REFUND_ORDER_ID');
    const amount = minorUnitsOf(input.amount);

    const found = await paymentsRepository.findById(trx, input.paymentId);
    const merchantId = this.merchants.merchantIdOf(caller.merchantVat);
    owned('refundPayment', found && { integratorId: found.integrator_id, merchantId: found.merchant_id }, caller.integratorId, merchantId);
    const payment = found!;
    if (payment.status !== 'Captured') throw new DomainError('PAYMENT_NOT_CAPTURED');
    if (payment.currency_code !== input.currencyCode) throw new DomainError('REFUND_CURRENCY_MISMATCH');
    const now = this.clock.now();
    if ((payment.captured_at ?? 0) < now - REFUND_WINDOW_MS) throw new DomainError('PAYMENT_TOO_OLD_TO_REFUND');
    if (!(await paymentsRepository.reserveRefundable(trx, payment.payment_id, amount))) throw new DomainError('REFUNDS_EXCEED_CAPTURED');
    if (!(await balancesRepository.debitIfCovered(trx, payment.store_id, amount))) throw new DomainError('REFUND_EXCEEDS_BALANCE');

    const refundId = newId();
    await refundsRepository.insert(trx, {
      refund_id: refundId,
      payment_id: payment.payment_id,
      merchant_id: payment.merchant_id,
      integrator_id: payment.integrator_id,
      store_id: payment.store_id,
      refund_order_id: input.refundOrderId,
      amount,
      currency_code: input.currencyCode,
      status: 'Reserved',
      expires_at: now + this.timings.refundAutoCaptureMs,
      created_at: now,
      updated_at: now,
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
    const merchantId = this.merchants.merchantIdOf(caller.merchantVat);
    if (!isOwned(payment && { integratorId: payment.integrator_id, merchantId: payment.merchant_id }, caller.integratorId, merchantId)) return [];
    return refundsRepository.listIdsByPayment(this.db, paymentId);
  }

  async capture(caller: Caller, refundId: string): Promise<void> {
    await changeState(this.db, {
      load: (trx) => this.#loadOwned(trx, caller, refundId),
      decide: (from) => decideRefund(from, 'capture'),
      move: (trx, refund, to) => refundsRepository.transition(trx, refundId, refund.status, this.#ended(to)),
    });
  }

  /** Cancels a refund before capture: its amount goes back to the payment's refundable amount and the store's balance. */
  async cancel(caller: Caller, refundId: string): Promise<void> {
    await changeState(this.db, {
      load: (trx) => this.#loadOwned(trx, caller, refundId),
      decide: (from) => decideRefund(from, 'clientCancel'),
      move: async (trx, refund, to) => {
        if (!(await refundsRepository.transition(trx, refundId, refund.status, this.#ended(to)))) return false;
        await paymentsRepository.releaseRefundable(trx, refund.payment_id, refund.amount);
        await balancesRepository.credit(trx, refund.store_id, refund.amount);
        return true;
      },
    });
  }

  /** Captures a refund left Reserved for 24 hours (ExpiredAndCaptured). False when it moved on meanwhile. */
  async expire(trx: Db, refund: Pick<Refund, 'refund_id' | 'status'>, now: number): Promise<boolean> {
    const to = refundTimeoutTarget(refund.status);
    if (to === null) return false;
    return refundsRepository.transition(trx, refund.refund_id, refund.status, this.#ended(to), { dueBy: now });
  }

  #ended(status: RefundStatus) {
    return { status, expires_at: null, updated_at: this.clock.now() };
  }

  async #loadOwned(db: Db, caller: Caller, refundId: string): Promise<Refund> {
    const refund = await refundsRepository.findById(db, refundId);
    const merchantId = this.merchants.merchantIdOf(caller.merchantVat);
    owned('actOnRefund', refund && { integratorId: refund.integrator_id, merchantId: refund.merchant_id }, caller.integratorId, merchantId);
    return refund!;
  }
}

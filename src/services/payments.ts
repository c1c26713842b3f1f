import type { Clock } from '../clock.js';
import type { EngineTimings } from '../config.js';
import { CreationOrder } from '../domain/creation-order.js';
import { owned, type OwnedOperation } from '../domain/access-guard.js';
import { DomainError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { PaymentDetails, PaymentRecord, PaymentRef, StatusTimes } from '../domain/payment.js';
import {
  ACTIVE_PAYMENT_STATUSES,
  createdPaymentStatus,
  decideCapture,
  decidePayment,
  paymentTimeoutTarget,
  type PaymentFlow,
  type PaymentStatus,
} from '../domain/payment-state.js';
import type { Db } from '../store/database.js';
import { UniqueViolation } from '../store/constraint-violation.js';
import { balancesRepository } from '../store/repositories/balances.js';
import { checkinsRepository } from '../store/repositories/checkins.js';
import { customersRepository } from '../store/repositories/customers.js';
import { merchantsRepository } from '../store/repositories/merchants.js';
import { paymentsRepository } from '../store/repositories/payments.js';
import { pointsOfSaleRepository } from '../store/repositories/points-of-sale.js';
import type { Caller } from './caller.js';
import { pairingOf } from './customer-profile.js';
import type { MerchantDirectory } from './access.js';
import { minorUnitsOf, paymentDetails, validateOrderId, type PaymentDetailsInput } from './payment-details.js';
import { changeState } from './state-change.js';

export interface PaymentQuery {
  posId?: string;
  orderId?: string;
  state?: 'Captured';
}

const LISTED_WITHOUT_STATE: readonly PaymentStatus[] = [...ACTIVE_PAYMENT_STATUSES, 'Reserved'];

/** The integrator's side of payments: initiate, prepare, ready, query, capture, cancel (SPEC §3). */
export class PaymentsService {
  readonly #creationOrder = new CreationOrder();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly merchants: MerchantDirectory,
    private readonly timings: EngineTimings,
  ) {}

  initiate(trx: Db, caller: Caller, input: PaymentDetailsInput & { posId: string; orderId: string }): Promise<{ paymentId: string }> {
    validateOrderId(input.orderId);
    return this.#create(trx, caller, 'initiate', input, paymentDetails(input));
  }

  prepare(trx: Db, caller: Caller, input: { posId: string; orderId: string }): Promise<{ paymentId: string }> {
    validateOrderId(input.orderId);
    return this.#create(trx, caller, 'prepare', input, null);
  }

  async ready(caller: Caller, paymentId: string, input: PaymentDetailsInput): Promise<void> {
    const details = paymentDetails(input);
    await changeState(this.db, {
      load: (trx) => this.#loadOwned(trx, caller, paymentId, 'readyPayment'),
      decide: (payment) => decidePayment(payment.status, 'ready'),
      move: (trx, payment, to) => paymentsRepository.markReady(trx, payment, to, details, this.#activity()),
    });
  }

  /**
   * Payment ids of the caller's merchant by PoS and/or order id: active and Reserved ones, or Captured ones
   * with `state=Captured`. With an order id only the most recent match is answered, as MobilePay did: an
   * order id may be reused after a cancel, and the client asks for the payment of its current attempt.
   */
  async list(caller: Caller, query: PaymentQuery): Promise<string[]> {
    if (query.posId === undefined && query.orderId === undefined) throw new DomainError('PAYMENT_FILTER_NOT_SPECIFIC');
    if (query.orderId !== undefined) validateOrderId(query.orderId);
    const merchantId = this.merchants.merchantIdOf(caller.merchantVat);
    if (!merchantId) return [];
    const filter = {
      integratorId: caller.integratorId,
      merchantId,
      statuses: query.state === 'Captured' ? (['Captured'] as const) : LISTED_WITHOUT_STATE,
      posId: query.posId,
      orderId: query.orderId,
    };
    return paymentsRepository.listIds(this.db, filter, query.orderId !== undefined ? 1 : undefined);
  }

  /**
   * Captures a reserved payment, fully or partially (decideCapture). The captured amount joins the store's
   * refundable balance in the same transaction.
   */
  async capture(caller: Caller, paymentId: string, amount: number): Promise<void> {
    const minor = minorUnitsOf(amount);
    await changeState(this.db, {
      load: (trx) => this.#loadOwned(trx, caller, paymentId, 'capturePayment'),
      decide: (payment) => decideCapture(payment, minor),
      move: async (trx, payment, to) => {
        const saved = await paymentsRepository.markCaptured(trx, payment, to, minor, this.clock.now());
        if (saved) await balancesRepository.credit(trx, payment.storeId, minor);
        return saved;
      },
    });
  }

  /** Cancels an active or reserved payment; a repeated cancel answers 200. */
  async cancel(caller: Caller, paymentId: string): Promise<void> {
    await changeState(this.db, {
      load: (trx) => this.#loadOwned(trx, caller, paymentId, 'cancelPayment'),
      decide: (payment) => decidePayment(payment.status, 'clientCancel'),
      move: (trx, payment, to) => paymentsRepository.end(trx, payment, to, this.clock.now()),
    });
  }

  /**
   * Ends a payment whose current status timed out (inactive too long, or a reservation never captured).
   * Safe to call from several processes at once: the conditional update lets exactly one win. False when the
   * payment moved on meanwhile (the timer was stale).
   */
  async expire(trx: Db, payment: PaymentRef, now: number): Promise<boolean> {
    const to = paymentTimeoutTarget(payment.status);
    if (to === null) return false;
    return paymentsRepository.expire(trx, payment, to, this.clock.now(), now);
  }

  /** Any step of the customer or the client restarts the inactivity timeout. */
  #activity(): StatusTimes {
    const now = this.clock.now();
    return { updatedAt: now, expiresAt: now + this.timings.paymentInactivityMs };
  }

  async #create(trx: Db, caller: Caller, flow: PaymentFlow, input: { posId: string; orderId: string }, details: PaymentDetails | null) {
    // Before anything is read: a check-in racing this create on the same PoS must be seen, or see the payment.
    await pointsOfSaleRepository.lockForPairing(trx, input.posId);
    const found = await pointsOfSaleRepository.findById(trx, input.posId);
    const pos = owned('createPaymentOnPos', found?.deletedAt === null ? found : undefined, caller.integratorId, this.merchants.merchantIdOf(caller.merchantVat));
    const store = await merchantsRepository.findStore(trx, pos.storeId);
    if (!store?.activated) throw new DomainError('STORE_NOT_ACTIVATED');
    if (await paymentsRepository.findActiveOnPos(trx, pos.posId)) throw new DomainError('ACTIVE_PAYMENT_EXISTS');

    const now = this.clock.now();
    // A customer waiting on the PoS is paired with the new payment at once, and the check-in is used up.
    const checkin = await checkinsRepository.takeWaiting(trx, pos.posId, now);
    const customer = checkin ? await customersRepository.findByPhone(trx, checkin.customerPhone) : undefined;
    const paymentId = newId();
    try {
      await paymentsRepository.insert(trx, {
        paymentId,
        posId: pos.posId,
        merchantId: pos.merchantId,
        integratorId: pos.integratorId,
        storeId: pos.storeId,
        orderId: input.orderId,
        status: createdPaymentStatus(flow, customer !== undefined),
        ...details,
        ...(customer ? pairingOf(customer, pos.merchantId) : {}),
        createdAt: now,
        createdOrder: this.#creationOrder.next(now),
        ...this.#activity(),
      });
    } catch (error) {
      // The database's rule stands behind the check above.
      if (error instanceof UniqueViolation && error.rule === 'activePaymentPerPos') throw new DomainError('ACTIVE_PAYMENT_EXISTS');
      throw error;
    }
    return { paymentId };
  }

  async #loadOwned(db: Db, caller: Caller, paymentId: string, operation: OwnedOperation): Promise<PaymentRecord> {
    const payment = await paymentsRepository.findById(db, paymentId);
    return owned(operation, payment, caller.integratorId, this.merchants.merchantIdOf(caller.merchantVat));
  }
}

import type { Clock } from '../clock.js';
import type { EngineTimings } from '../config.js';
import { CreationOrder } from '../domain/creation-order.js';
import { owned, type OwnedOperation } from '../domain/access-guard.js';
import { DomainError } from '../domain/errors.js';
import { fromMinorUnits } from '../domain/money.js';
import { newId } from '../domain/ids.js';
import {
  ACTIVE_PAYMENT_STATUSES,
  createdPaymentStatus,
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
import type { CurrencyCode, Payment, PlannedCaptureDelay } from '../store/schema.js';
import type { Caller } from './caller.js';
import { pairingChanges } from './customer-profile.js';
import type { MerchantDirectory } from './access.js';
import { minorUnitsOf, paymentDetails, validateOrderId, type PaymentDetails, type PaymentDetailsInput, type PaymentRestrictions } from './payment-details.js';
import { changeState } from './state-change.js';

/** A payment as the v10 contract's `QueryPaymentResponse` names it. */
export interface PaymentView {
  paymentId: string;
  posId: string;
  orderId: string;
  amount: number | null;
  currencyCode: CurrencyCode | null;
  restrictions: PaymentRestrictions | null;
  merchantPaymentLabel: string | null;
  plannedCaptureDelay: PlannedCaptureDelay | null;
  status: PaymentStatus;
  customerToken?: string;
  customerReceiptToken?: string;
  loyaltyIds?: string[];
  paymentExpiresAt?: string;
  partialCapturePossible?: boolean;
  pollDelayInMs: number;
}

export interface PaymentQuery {
  posId?: string;
  orderId?: string;
  state?: 'Captured';
}

const LISTED_WITHOUT_STATE: readonly PaymentStatus[] = [...ACTIVE_PAYMENT_STATUSES, 'Reserved'];

export function toPaymentView(p: Payment, pollDelayInMs: number): PaymentView {
  return {
    paymentId: p.payment_id,
    posId: p.pos_id,
    orderId: p.order_id,
    amount: p.amount === null ? null : fromMinorUnits(p.amount),
    currencyCode: p.currency_code,
    restrictions: p.restrictions === null ? null : (JSON.parse(p.restrictions) as PaymentRestrictions),
    merchantPaymentLabel: p.merchant_payment_label,
    plannedCaptureDelay: p.planned_capture_delay,
    status: p.status,
    // Per the contract a missing token means "not looked up yet"; we look them up when a customer is paired.
    ...(p.customer_phone !== null
      ? {
          customerToken: p.customer_token ?? '',
          customerReceiptToken: p.customer_receipt_token ?? '',
          loyaltyIds: JSON.parse(p.loyalty_ids ?? '[]') as string[],
        }
      : {}),
    ...(p.expires_at !== null ? { paymentExpiresAt: new Date(p.expires_at).toISOString() } : {}),
    ...(p.status === 'Reserved' ? { partialCapturePossible: p.partial_capture_possible === 1 } : {}),
    pollDelayInMs,
  };
}

/** The integrator's side of payments: initiate, prepare, ready, query, capture, cancel (SPEC §3). */
export class PaymentsService {
  readonly #creationOrder = new CreationOrder();
  /** Views of rows as read; a row object is never changed, so its view stays right for as long as it lives. */
  readonly #views = new WeakMap<Payment, PaymentView>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly merchants: MerchantDirectory,
    private readonly timings: EngineTimings,
    private readonly pollDelayMs: number,
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
      decide: (from) => decidePayment(from, 'ready'),
      move: (trx, payment, to) =>
        paymentsRepository.transition(trx, paymentId, payment.status, { ...details, status: to, ...this.#activity() }),
    });
  }

  /**
   * The polling read. When the payment cache holds the payment (on SQLite), it answers without waiting: no
   * promise on the most frequent call. A row kept in the cache keeps its view too, so a repeated poll builds
   * nothing.
   */
  get(caller: Caller, paymentId: string): PaymentView | Promise<PaymentView> {
    const cached = paymentsRepository.findCached(this.db, paymentId);
    if (cached) return this.#viewOf(ownedBy(cached, caller, this.merchants.merchantIdOf(caller.merchantVat), 'queryPayment'));
    return this.#loadOwned(this.db, caller, paymentId, 'queryPayment').then((payment) => this.#viewOf(payment));
  }

  #viewOf(payment: Payment): PaymentView {
    let view = this.#views.get(payment);
    if (!view) {
      view = toPaymentView(payment, this.pollDelayMs);
      this.#views.set(payment, view);
    }
    return view;
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
   * Captures a reserved payment, fully or partially. A repeated capture of the same amount answers 200;
   * of another amount 1307. The captured amount joins the store's refundable balance in the same transaction.
   */
  async capture(caller: Caller, paymentId: string, amount: number): Promise<void> {
    const minor = minorUnitsOf(amount);
    await changeState(this.db, {
      load: (trx) => this.#loadOwned(trx, caller, paymentId, 'capturePayment'),
      decide: (from) => decidePayment(from, 'capture'),
      onRepeat: (payment) => {
        if (payment.captured_amount !== minor) throw new DomainError('CAPTURED_WITH_OTHER_AMOUNT');
      },
      move: async (trx, payment, to) => {
        const reserved = payment.amount ?? 0;
        if (minor > reserved) throw new DomainError('CAPTURE_ABOVE_RESERVED');
        if (minor < reserved && payment.partial_capture_possible !== 1) throw new DomainError('PARTIAL_CAPTURE_NOT_POSSIBLE');
        const now = this.clock.now();
        const saved = await paymentsRepository.transition(trx, paymentId, payment.status, {
          status: to,
          captured_amount: minor,
          captured_at: now,
          expires_at: null,
          updated_at: now,
        });
        if (saved) await balancesRepository.credit(trx, payment.store_id, minor);
        return saved;
      },
    });
  }

  /** Cancels an active or reserved payment; a repeated cancel answers 200. */
  async cancel(caller: Caller, paymentId: string): Promise<void> {
    await changeState(this.db, {
      load: (trx) => this.#loadOwned(trx, caller, paymentId, 'cancelPayment'),
      decide: (from) => decidePayment(from, 'clientCancel'),
      move: (trx, payment, to) => paymentsRepository.transition(trx, paymentId, payment.status, this.#ended(to)),
    });
  }

  /**
   * Ends a payment whose current status timed out (inactive too long, or a reservation never captured).
   * Safe to call from several processes at once: the conditional update lets exactly one win. False when the
   * payment moved on meanwhile (the timer was stale).
   */
  async expire(trx: Db, payment: Pick<Payment, 'payment_id' | 'status'>, now: number): Promise<boolean> {
    const to = paymentTimeoutTarget(payment.status);
    if (to === null) return false;
    return paymentsRepository.transition(trx, payment.payment_id, payment.status, this.#ended(to), { dueBy: now });
  }

  /** Columns of a payment entering a final status. */
  #ended(status: PaymentStatus) {
    return { status, expires_at: null, updated_at: this.clock.now() };
  }

  /** Any step of the customer or the client restarts the inactivity timeout. */
  #activity() {
    const now = this.clock.now();
    return { expires_at: now + this.timings.paymentInactivityMs, updated_at: now };
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
    const customer = checkin ? await customersRepository.findByPhone(trx, checkin.customer_phone) : undefined;
    const paymentId = newId();
    try {
      await paymentsRepository.insert(trx, {
        payment_id: paymentId,
        pos_id: pos.posId,
        merchant_id: pos.merchantId,
        integrator_id: pos.integratorId,
        store_id: pos.storeId,
        order_id: input.orderId,
        status: createdPaymentStatus(flow, customer !== undefined),
        ...(details ?? {}),
        ...(customer ? pairingChanges(customer, pos.merchantId) : {}),
        created_at: now,
        created_order: this.#creationOrder.next(now),
        ...this.#activity(),
      });
    } catch (error) {
      // The database's rule stands behind the check above.
      if (error instanceof UniqueViolation && error.rule === 'activePaymentPerPos') throw new DomainError('ACTIVE_PAYMENT_EXISTS');
      throw error;
    }
    return { paymentId };
  }

  async #loadOwned(db: Db, caller: Caller, paymentId: string, operation: OwnedOperation): Promise<Payment> {
    const payment = await paymentsRepository.findById(db, paymentId);
    return ownedBy(payment, caller, this.merchants.merchantIdOf(caller.merchantVat), operation);
  }
}

/** The payment if it exists and belongs to the caller's integrator and merchant; the v10 refusal otherwise. */
function ownedBy(payment: Payment | undefined, caller: Caller, merchantId: string | undefined, operation: OwnedOperation): Payment {
  owned(operation, payment && { integratorId: payment.integrator_id, merchantId: payment.merchant_id }, caller.integratorId, merchantId);
  return payment!;
}

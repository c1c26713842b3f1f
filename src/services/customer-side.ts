import type { Clock } from '../clock.js';
import type { EngineTimings } from '../config.js';
import { DomainError } from '../domain/errors.js';
import { canonicalBeaconId, isBeaconId, isGuid } from '../domain/ids.js';
import type { CustomerRecord } from '../domain/customer.js';
import type { PaymentRecord } from '../domain/payment.js';
import { decideAccept, decideCheckIn, decidePayment } from '../domain/payment-state.js';
import type { Db } from '../store/database.js';
import { checkinsRepository } from '../store/repositories/checkins.js';
import { customersRepository } from '../store/repositories/customers.js';
import { paymentsRepository } from '../store/repositories/payments.js';
import { pointsOfSaleRepository } from '../store/repositories/points-of-sale.js';
import type { PointOfSale } from '../domain/point-of-sale.js';
import { customerViewFor, knownCustomer, pairingOf, type CustomerView } from './customer-profile.js';
import type { Notifications } from './notifications.js';
import { changeState, untilSaved } from './state-change.js';

/**
 * The customer's side of a payment (SPEC §4, §8): check in at a beacon, accept or cancel the payment on the
 * phone, and what the integrator may see of it (who is checked in on a PoS). The sandbox user simulation and the
 * wallet app both act through these, so they go through the same state machine as everything else.
 */
export class CustomerSide {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly timings: EngineTimings,
    private readonly notifications: Notifications,
  ) {}

  /**
   * Pairs the customer with the PoS's Initiated or Prepared payment at once; with no active payment the
   * check-in waits (and a newer one takes over) until a payment is created or it expires. Either way the
   * integrator's callback is notified (SPEC §6), queued in the same transaction.
   */
  async checkIn(beaconId: string, phoneNumber: string): Promise<void> {
    const customer = await knownCustomer(this.db, phoneNumber);
    const pos = await this.#pos(beaconId);
    await untilSaved(this.db, async (trx) => {
      const saved = await this.#checkIn(trx, pos, customer);
      if (saved) await this.notifications.queueCheckIn(trx, pos);
      return saved;
    });
    this.notifications.deliverSoon();
  }

  async #checkIn(trx: Db, pos: PointOfSale, customer: CustomerRecord): Promise<boolean> {
    // Before anything is read: a payment created on this PoS at the same moment must be seen, or see this check-in.
    await pointsOfSaleRepository.lockForPairing(trx, pos.posId);
    const now = this.clock.now();
    const active = await paymentsRepository.findActiveOnPos(trx, pos.posId);
    if (!active) {
      if (pos.requirePaymentBeforeCheckin) throw new DomainError('CHECKIN_REQUIRES_PAYMENT');
      await checkinsRepository.put(trx, {
        posId: pos.posId,
        customerPhone: customer.phoneNumber,
        checkedInAt: now,
        expiresAt: now + this.timings.checkinExpiryMs,
      });
      return true;
    }
    const decision = decideCheckIn(active, customer.phoneNumber);
    if (decision.kind === 'refuse') throw new DomainError(decision.error);
    if (decision.kind === 'repeat') return true;
    const times = { updatedAt: now, expiresAt: now + this.timings.paymentInactivityMs };
    return paymentsRepository.pair(trx, active, decision.to, pairingOf(customer, pos.merchantId), times);
  }

  /** The customer accepts the payment issued to them on the PoS: the amount is reserved on their card. */
  async acceptPayment(beaconId: string, phoneNumber: string): Promise<void> {
    const customer = await knownCustomer(this.db, phoneNumber);
    const pos = await this.#pos(beaconId);
    await this.#accept(customer, (trx) => this.#activePayment(trx, pos));
  }

  /** The wallet's accept: the payment named by its id, which must be the one issued to this customer. */
  async acceptOwnPayment(paymentId: string, phoneNumber: string): Promise<void> {
    const customer = await knownCustomer(this.db, phoneNumber);
    await this.#accept(customer, (trx) => this.#ownPayment(trx, paymentId, customer));
  }

  #accept(customer: CustomerRecord, load: (trx: Db) => Promise<PaymentRecord>): Promise<void> {
    return changeState(this.db, {
      load,
      decide: (payment) => decideAccept(payment, customer),
      move: (trx, payment, to) => {
        const now = this.clock.now();
        const times = { updatedAt: now, expiresAt: now + this.timings.reservationLifetimeMs };
        return paymentsRepository.markReserved(trx, payment, to, customer.partialCapturePossible, times);
      },
    });
  }

  /**
   * The customer declines the payment on the PoS. The sandbox's user simulation names only the beacon
   * (MobilePay's did), so whoever is paired, or nobody yet, may decline there.
   */
  async cancelPayment(beaconId: string): Promise<void> {
    const pos = await this.#pos(beaconId);
    await this.#decline((trx) => this.#activePayment(trx, pos));
  }

  /** The wallet's decline: the payment named by its id, which must be paired with this customer. */
  async declineOwnPayment(paymentId: string, phoneNumber: string): Promise<void> {
    const customer = await knownCustomer(this.db, phoneNumber);
    await this.#decline((trx) => this.#ownPayment(trx, paymentId, customer));
  }

  #decline(load: (trx: Db) => Promise<PaymentRecord>): Promise<void> {
    return changeState(this.db, {
      load,
      decide: (payment) => decidePayment(payment.status, 'userCancel'),
      move: (trx, payment, to) => paymentsRepository.end(trx, payment, to, this.clock.now()),
    });
  }

  /**
   * Who is checked in on a PoS, for `GET …/checkin`: a customer waiting for a payment, or the customer paired
   * with its active payment. Null when nobody is.
   */
  async checkedInOn(pos: PointOfSale): Promise<CustomerView | null> {
    const now = this.clock.now();
    const waiting = await checkinsRepository.findWaiting(this.db, pos.posId, now);
    if (waiting) {
      const customer = await customersRepository.findByPhone(this.db, waiting.customerPhone);
      return customer ? customerViewFor(customer, pos.merchantId) : null;
    }
    const active = await paymentsRepository.findActiveOnPos(this.db, pos.posId);
    if (active?.customerPhone == null) return null;
    return {
      customerToken: active.customerToken ?? '',
      customerReceiptToken: active.customerReceiptToken ?? '',
      loyaltyIds: active.loyaltyIds ?? [],
    };
  }

  /** Removes the check-ins that expired by `now` (the due-timer worker's call); the number removed. */
  expireCheckins(now: number): Promise<number> {
    return checkinsRepository.deleteExpired(this.db, now);
  }

  async #activePayment(db: Db, pos: PointOfSale): Promise<PaymentRecord> {
    const payment = await paymentsRepository.findActiveOnPos(db, pos.posId);
    if (!payment) throw new DomainError('PAYMENT_NOT_AWAITING_CUSTOMER');
    return payment;
  }

  /** A payment the customer is paired with; another customer's is not awaiting this one. */
  async #ownPayment(db: Db, paymentId: string, customer: CustomerRecord): Promise<PaymentRecord> {
    const payment = isGuid(paymentId) ? await paymentsRepository.findById(db, paymentId) : undefined;
    if (!payment) throw new DomainError('PAYMENT_UNKNOWN');
    if (payment.customerPhone !== customer.phoneNumber) throw new DomainError('PAYMENT_NOT_AWAITING_CUSTOMER');
    return payment;
  }

  async #pos(beaconId: string): Promise<PointOfSale> {
    if (!isBeaconId(beaconId)) throw new DomainError('INVALID_BEACON_ID');
    const pos = await pointsOfSaleRepository.findActiveByBeacon(this.db, canonicalBeaconId(beaconId));
    if (!pos) throw new DomainError('UNKNOWN_BEACON');
    return pos;
  }
}

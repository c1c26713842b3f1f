import type { Clock } from '../clock.js';
import type { EngineTimings } from '../config.js';
import { DomainError } from '../domain/errors.js';
import { canonicalBeaconId, isBeaconId, isGuid } from '../domain/ids.js';
import { decidePayment } from '../domain/payment-state.js';
import type { Db } from '../store/database.js';
import { checkinsRepository } from '../store/repositories/checkins.js';
import { customersRepository } from '../store/repositories/customers.js';
import { paymentsRepository } from '../store/repositories/payments.js';
import { pointsOfSaleRepository } from '../store/repositories/points-of-sale.js';
import type { PointOfSale } from '../domain/point-of-sale.js';
import type { Customer, Payment } from '../store/schema.js';
import { customerViewFor, knownCustomer, pairingChanges, type CustomerView } from './customer-profile.js';
import type { Notifications } from './notifications.js';
import { disallows } from './payment-details.js';
import { changeState, untilSaved } from './state-change.js';

/**
 * The customer's side (SPEC §4, §8): check in at a beacon, accept or cancel the payment on the phone. The
 * sandbox user simulation and the wallet app both call these, so they go through the same state machine as
 * everything else.
 */
export class CustomerApp {
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

  async #checkIn(trx: Db, pos: PointOfSale, customer: Customer): Promise<boolean> {
    // Before anything is read: a payment created on this PoS at the same moment must be seen, or see this check-in.
    await pointsOfSaleRepository.lockForPairing(trx, pos.posId);
    const now = this.clock.now();
    const active = await paymentsRepository.findActiveOnPos(trx, pos.posId);
    if (!active) {
      if (pos.requirePaymentBeforeCheckin) throw new DomainError('CHECKIN_REQUIRES_PAYMENT');
      await checkinsRepository.put(trx, {
        pos_id: pos.posId,
        customer_phone: customer.phone_number,
        checked_in_at: now,
        expires_at: now + this.timings.checkinExpiryMs,
      });
      return true;
    }
    // Checking in again on the payment one is already paired with changes nothing.
    if (active.customer_phone === customer.phone_number) return true;
    const decision = decidePayment(active.status, 'checkIn');
    if (decision.kind !== 'move') throw new DomainError('PAYMENT_NOT_AWAITING_CUSTOMER');
    return paymentsRepository.transition(trx, active.payment_id, active.status, {
      status: decision.to,
      ...pairingChanges(customer, pos.merchantId),
      expires_at: now + this.timings.paymentInactivityMs,
      updated_at: now,
    });
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

  #accept(customer: Customer, load: (trx: Db) => Promise<Payment>): Promise<void> {
    return changeState(this.db, {
      load: async (trx) => {
        const payment = await load(trx);
        if (payment.customer_phone !== customer.phone_number) throw new DomainError('PAYMENT_NOT_AWAITING_CUSTOMER');
        return payment;
      },
      decide: (from) => decidePayment(from, 'accept'),
      move: (trx, payment, to) => {
        // The outcome is ours: the accept is refused and the payment stays IssuedToUser, so the customer may
        // still pay another way or the client may cancel.
        if (disallows(payment.restrictions, customer.payment_source)) throw new DomainError('CARD_TYPE_DISALLOWED');
        const now = this.clock.now();
        return paymentsRepository.transition(trx, payment.payment_id, payment.status, {
          status: to,
          partial_capture_possible: customer.partial_capture_possible,
          expires_at: now + this.timings.reservationLifetimeMs,
          updated_at: now,
        });
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

  #decline(load: (trx: Db) => Promise<Payment>): Promise<void> {
    return changeState(this.db, {
      load,
      decide: (from) => decidePayment(from, 'userCancel'),
      move: (trx, payment, to) =>
        paymentsRepository.transition(trx, payment.payment_id, payment.status, { status: to, expires_at: null, updated_at: this.clock.now() }),
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
      const customer = await customersRepository.findByPhone(this.db, waiting.customer_phone);
      return customer ? customerViewFor(customer, pos.merchantId) : null;
    }
    const active = await paymentsRepository.findActiveOnPos(this.db, pos.posId);
    if (active?.customer_phone == null) return null;
    return {
      customerToken: active.customer_token ?? '',
      customerReceiptToken: active.customer_receipt_token ?? '',
      loyaltyIds: JSON.parse(active.loyalty_ids ?? '[]') as string[],
    };
  }

  /** Removes the check-ins that expired by `now` (the due-timer worker's call); the number removed. */
  expireCheckins(now: number): Promise<number> {
    return checkinsRepository.deleteExpired(this.db, now);
  }

  async #activePayment(db: Db, pos: PointOfSale): Promise<Payment> {
    const payment = await paymentsRepository.findActiveOnPos(db, pos.posId);
    if (!payment) throw new DomainError('PAYMENT_NOT_AWAITING_CUSTOMER');
    return payment;
  }

  /** A payment the customer is paired with; another customer's is not awaiting this one. */
  async #ownPayment(db: Db, paymentId: string, customer: Customer): Promise<Payment> {
    const payment = isGuid(paymentId) ? await paymentsRepository.findById(db, paymentId) : undefined;
    if (!payment) throw new DomainError('PAYMENT_UNKNOWN');
    if (payment.customer_phone !== customer.phone_number) throw new DomainError('PAYMENT_NOT_AWAITING_CUSTOMER');
    return payment;
  }

  async #pos(beaconId: string): Promise<PointOfSale> {
    if (!isBeaconId(beaconId)) throw new DomainError('INVALID_BEACON_ID');
    const pos = await pointsOfSaleRepository.findActiveByBeacon(this.db, canonicalBeaconId(beaconId));
    if (!pos) throw new DomainError('UNKNOWN_BEACON');
    return pos;
  }
}

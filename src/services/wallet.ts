import type { Clock } from '../clock.js';
import { fromMinorUnits } from '../domain/money.js';
import type { Db } from '../store/database.js';
import { customersRepository } from '../store/repositories/customers.js';
import { walletRepository, type PlaceRecord } from '../store/repositories/wallet.js';
import { knownCustomer } from './customer-profile.js';
import type { Place, WalletUser, WalletView } from './wallet-view.js';

/** How many of a customer's payments the wallet shows. */
const RECENT_PAYMENTS = 20;

const placeOf = (p: PlaceRecord): Place => ({ beaconId: p.beaconId, posName: p.posName, storeName: p.storeName, brandName: p.brandName });
const majorOrNull = (minor: number | null) => (minor === null ? null : fromMinorUnits(minor));
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * What the wallet app shows a customer (SPEC §9 `/app`): their profile, a check-in waiting for a payment and
 * their payments. The wallet's actions are the customer side's own (CustomerSide); this only reads.
 */
export class Wallet {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async users(): Promise<WalletUser[]> {
    return (await customersRepository.list(this.db)).map((c) => ({ phoneNumber: c.phoneNumber, paymentSource: c.paymentSource }));
  }

  async view(phoneNumber: string): Promise<WalletView> {
    const customer = await knownCustomer(this.db, phoneNumber);
    const [checkin, payments] = await Promise.all([
      walletRepository.waitingCheckin(this.db, phoneNumber, this.clock.now()),
      walletRepository.payments(this.db, phoneNumber, RECENT_PAYMENTS),
    ]);
    return {
      phoneNumber,
      paymentSource: customer.paymentSource,
      loyaltyIds: customer.loyaltyIds,
      checkin: checkin ? { ...placeOf(checkin), expiresAt: iso(checkin.expiresAt) } : null,
      payments: payments.map((p) => ({
        paymentId: p.paymentId,
        status: p.status,
        amount: majorOrNull(p.amount),
        currencyCode: p.currencyCode,
        merchantPaymentLabel: p.merchantPaymentLabel,
        capturedAmount: majorOrNull(p.capturedAmount),
        updatedAt: iso(p.updatedAt),
        ...placeOf(p),
      })),
    };
  }
}

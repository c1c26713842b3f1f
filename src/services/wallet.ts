import type { Clock } from '../clock.js';
import { fromMinorUnits } from '../domain/money.js';
import type { PaymentStatus } from '../domain/payment-state.js';
import type { Db } from '../store/database.js';
import { customersRepository } from '../store/repositories/customers.js';
import { walletRepository, type PlaceRow } from '../store/repositories/wallet.js';
import { knownCustomer } from './customer-profile.js';
import type { Place, WalletUser, WalletView } from './wallet-view.js';

/** How many of a customer's payments the wallet shows. */
const RECENT_PAYMENTS = 20;

const placeOf = (row: PlaceRow): Place => ({ beaconId: row.beacon_id, posName: row.pos_name, storeName: row.store_name, brandName: row.brand_name });
const majorOrNull = (minor: number | null) => (minor === null ? null : fromMinorUnits(minor));
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * What the wallet app shows a customer (SPEC §9 `/app`): their profile, a check-in waiting for a payment and
 * their payments. The wallet's actions are the customer app's own (CustomerApp); this only reads.
 */
export class Wallet {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async users(): Promise<WalletUser[]> {
    return (await customersRepository.list(this.db)).map((c) => ({ phoneNumber: c.phone_number, paymentSource: c.payment_source }));
  }

  async view(phoneNumber: string): Promise<WalletView> {
    const customer = await knownCustomer(this.db, phoneNumber);
    const [checkin, payments] = await Promise.all([
      walletRepository.waitingCheckin(this.db, phoneNumber, this.clock.now()),
      walletRepository.payments(this.db, phoneNumber, RECENT_PAYMENTS),
    ]);
    return {
      phoneNumber,
      paymentSource: customer.payment_source,
      loyaltyIds: JSON.parse(customer.loyalty_ids) as string[],
      checkin: checkin ? { ...placeOf(checkin), expiresAt: iso(checkin.expires_at) } : null,
      payments: payments.map((row) => ({
        paymentId: row.payment_id,
        status: row.status as PaymentStatus,
        amount: majorOrNull(row.amount),
        currencyCode: row.currency_code,
        merchantPaymentLabel: row.merchant_payment_label,
        capturedAmount: majorOrNull(row.captured_amount),
        updatedAt: iso(row.updated_at),
        ...placeOf(row),
      })),
    };
  }
}

import type { CurrencyCode } from './money.js';
import type { RefundStatus } from './refund-state.js';

/** A refund (SPEC §5); in the domain for the reason payment.ts gives. Money in minor units, times in epoch ms. */
export interface RefundRecord {
  readonly refundId: string;
  readonly paymentId: string;
  readonly merchantId: string;
  readonly integratorId: string;
  readonly storeId: string;
  readonly refundOrderId: string;
  readonly amount: number;
  readonly currencyCode: CurrencyCode;
  readonly status: RefundStatus;
  /** When a Reserved refund is captured automatically; null once it is final. */
  readonly expiresAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What a state change needs of a refund: which one, and the status its move was decided from. */
export type RefundRef = Pick<RefundRecord, 'refundId' | 'status'>;

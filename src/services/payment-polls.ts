import type { Static } from '@sinclair/typebox';
import { owned } from '../domain/access-guard.js';
import { fromMinorUnits } from '../domain/money.js';
import type { PaymentRecord } from '../domain/payment.js';
import type { QueryPaymentResponse } from '../http/schemas/payments.js';
import type { Db } from '../store/database.js';
import { paymentsRepository } from '../store/repositories/payments.js';
import type { MerchantDirectory } from './access.js';
import type { Caller } from './caller.js';

/** A payment as the v10 contract's `QueryPaymentResponse` names it. */
export type PaymentView = Static<typeof QueryPaymentResponse>;

/**
 * The polling read model: the answers to `GET /pos/v10/payments/{id}`, the platform's most frequent call (a
 * client polls every payment it waits on, about a hundred polls to each write). A poll held in memory is
 * answered without a query, a promise or a new object; everything else takes the database's word.
 *
 * What it keeps, and what drops each:
 * - **Payment records**, in the payment cache (store/payment-cache.ts, in the store because every payment write
 *   of the repositories drops its entry before it runs). On PostgreSQL, where several processes write, the
 *   database tells every process of every committed change (store/payment-change-feed.ts) and the entry is
 *   dropped then; while that feed is not listening nothing is held, and all that was held is dropped when it
 *   stops and again when it listens again.
 * - **The answer's text per record** (a WeakMap here): a record is never changed once read, so its text stays
 *   right for as long as the record is held, and goes with it.
 * - **Merchant ids by VAT number**, in the access snapshot (services/access.ts), reloaded when links change:
 *   merchants are never deleted and their VAT number never changes.
 * The rest of a poll's path keeps what is not the payment's: verified tokens (services/tokens.ts: found by the
 * token's last characters, compared in full, checked for expiry and a disabled client on every hit) and the
 * header values last admitted with a token's claims (http/plugins/v10-auth.ts: the same values make the same
 * caller; the merchant link is checked on every call).
 *
 * Why an answer is never older than the payment:
 * - a record is stored only by a read that no write of that payment overlapped (local, or told by the feed),
 *   and never by a read inside a transaction, so an uncommitted or rolled-back state is never held;
 * - on SQLite this process is the only writer, so a poll never sees an old payment; on PostgreSQL a commit by
 *   another process is seen here once its notification has arrived (`payment_change_drop_delay_seconds` in
 *   /metrics measures that delay), and a payment this process wrote is not held until its commit is told back;
 * - the caller's right to see the payment is checked on every poll, memory or not (the access guard).
 */
export class PaymentPolls {
  readonly #answers = new WeakMap<PaymentRecord, string>();

  constructor(
    private readonly db: Db,
    private readonly merchants: MerchantDirectory,
    private readonly pollDelayMs: number,
  ) {}

  /**
   * The answer from memory, as JSON text; undefined when the payment is not held (then `load`). Throws the
   * access guard's refusal when the caller may not see the payment.
   */
  fromMemory(caller: Caller, paymentId: string): string | undefined {
    const held = paymentsRepository.findCached(this.db, paymentId);
    return held && this.#answerFor(this.#owned(caller, held));
  }

  /** The answer read from the database (which the payment cache keeps when it may), as JSON text. */
  async load(caller: Caller, paymentId: string): Promise<string> {
    return this.#answerFor(this.#owned(caller, await paymentsRepository.findById(this.db, paymentId)));
  }

  #owned(caller: Caller, payment: PaymentRecord | undefined): PaymentRecord {
    return owned('queryPayment', payment, caller.integratorId, this.merchants.merchantIdOf(caller.merchantVat));
  }

  #answerFor(payment: PaymentRecord): string {
    let answer = this.#answers.get(payment);
    if (answer === undefined) {
      answer = JSON.stringify(toPaymentView(payment, this.pollDelayMs));
      this.#answers.set(payment, answer);
    }
    return answer;
  }
}

/** The contract's view of a payment; its properties in the order of the response schema. */
export function toPaymentView(p: PaymentRecord, pollDelayInMs: number): PaymentView {
  return {
    paymentId: p.paymentId,
    posId: p.posId,
    orderId: p.orderId,
    amount: p.amount === null ? null : fromMinorUnits(p.amount),
    currencyCode: p.currencyCode,
    restrictions: p.restrictions,
    merchantPaymentLabel: p.merchantPaymentLabel,
    plannedCaptureDelay: p.plannedCaptureDelay,
    status: p.status,
    // Per the contract a missing token means "not looked up yet"; we look them up when a customer is paired.
    ...(p.customerPhone !== null
      ? { customerToken: p.customerToken ?? '', customerReceiptToken: p.customerReceiptToken ?? '', loyaltyIds: p.loyaltyIds ?? [] }
      : {}),
    ...(p.expiresAt !== null ? { paymentExpiresAt: new Date(p.expiresAt).toISOString() } : {}),
    ...(p.status === 'Reserved' ? { partialCapturePossible: p.partialCapturePossible ?? false } : {}),
    pollDelayInMs,
  };
}

import { DomainError, type ErrorName } from './errors.js';

/**
 * Who may act on what (SPEC §7 and v10's 403s), decided in this one module: grepping an ownership error code
 * leads here. A point of sale, payment or refund is owned by the integrator that made it, for one merchant; a
 * store by its merchant. Each operation answers a missing or foreign resource with its own refusal, as v10 did.
 */

/** The owner of a point of sale, payment or refund. */
export interface Owner {
  integratorId: string;
  merchantId: string;
}

interface Refusals {
  missing: ErrorName;
  otherIntegrator: ErrorName;
  otherMerchant: ErrorName;
}

const POS = { missing: 'POS_UNKNOWN', otherIntegrator: 'POS_OF_OTHER_INTEGRATOR' } as const;
const PAYMENT = { missing: 'PAYMENT_UNKNOWN', otherIntegrator: 'PAYMENT_OF_OTHER_INTEGRATOR' } as const;

const OWNED_OPERATIONS = {
  queryPos: { ...POS, otherMerchant: 'QUERY_POS_FOR_OTHER_MERCHANT' },
  deletePos: { ...POS, otherMerchant: 'DELETE_POS_FOR_OTHER_MERCHANT' },
  // Initiate and prepare name the PoS in the body: an unknown one is a conflict (1000), not a missing resource.
  createPaymentOnPos: { missing: 'POS_NOT_FOUND', otherIntegrator: 'POS_OF_OTHER_INTEGRATOR', otherMerchant: 'POS_OF_OTHER_MERCHANT' },
  queryPayment: { ...PAYMENT, otherMerchant: 'QUERY_PAYMENT_FOR_OTHER_MERCHANT' },
  readyPayment: { ...PAYMENT, otherMerchant: 'READY_FOR_OTHER_MERCHANT' },
  capturePayment: { ...PAYMENT, otherMerchant: 'CAPTURE_FOR_OTHER_MERCHANT' },
  cancelPayment: { ...PAYMENT, otherMerchant: 'CANCEL_FOR_OTHER_MERCHANT' },
  // A refund names its payment in the body: an unknown one is a conflict (1001).
  refundPayment: { missing: 'PAYMENT_NOT_FOUND', otherIntegrator: 'PAYMENT_OF_OTHER_INTEGRATOR', otherMerchant: 'PAYMENT_OF_OTHER_MERCHANT' },
  actOnRefund: { missing: 'REFUND_UNKNOWN', otherIntegrator: 'REFUND_OF_OTHER_INTEGRATOR', otherMerchant: 'REFUND_OF_OTHER_MERCHANT' },
} as const satisfies Record<string, Refusals>;

export type OwnedOperation = keyof typeof OWNED_OPERATIONS;

/**
 * The resource if the caller (its integrator and resolved merchant) owns it; the operation's refusal otherwise.
 * Takes the caller as two strings, not an object: the cached polling GET calls it and allocates nothing.
 */
export function owned<T extends Owner>(operation: OwnedOperation, resource: T | undefined, integratorId: string, merchantId: string | undefined): T {
  const refusals = OWNED_OPERATIONS[operation];
  if (!resource) throw new DomainError(refusals.missing);
  if (resource.integratorId !== integratorId) throw new DomainError(refusals.otherIntegrator);
  if (resource.merchantId !== merchantId) throw new DomainError(refusals.otherMerchant);
  return resource;
}

/** Whether the caller owns the resource: for queries that list nothing, rather than refuse, when it does not. */
export function isOwned(resource: Owner | undefined, integratorId: string, merchantId: string | undefined): boolean {
  return resource !== undefined && resource.integratorId === integratorId && resource.merchantId === merchantId;
}

const STORE_OPERATIONS = {
  queryStore: { missing: 'STORE_UNKNOWN', otherMerchant: 'STORE_OF_OTHER_MERCHANT' },
  // A PoS names its store in the body: an unknown one is a conflict (1002).
  createPosInStore: { missing: 'STORE_NOT_FOUND', otherMerchant: 'STORE_OF_OTHER_MERCHANT' },
} as const satisfies Record<string, Omit<Refusals, 'otherIntegrator'>>;

export type StoreOperation = keyof typeof STORE_OPERATIONS;

/** The store if it is the caller's merchant's (any integrator may act on a linked merchant's stores). */
export function ownStore<T extends { merchantId: string }>(operation: StoreOperation, store: T | undefined, merchantId: string | undefined): T {
  const refusals = STORE_OPERATIONS[operation];
  if (!store) throw new DomainError(refusals.missing);
  if (store.merchantId !== merchantId) throw new DomainError(refusals.otherMerchant);
  return store;
}

/** Which merchants each integrator may act for: the operator's links (services/access.ts keeps them in memory). */
export interface MerchantLinks {
  mayActFor(integratorId: string, merchantVat: string): boolean;
}

/**
 * SPEC §7: an integrator acts only for the merchants linked to it; a merchant the platform does not know is
 * linked to nobody. The refusal, or undefined when the call may go on (decided before anything is touched).
 */
export function merchantLinkRefusal(links: MerchantLinks, integratorId: string, merchantVat: string): 'MERCHANT_NOT_LINKED' | undefined {
  return links.mayActFor(integratorId, merchantVat) ? undefined : 'MERCHANT_NOT_LINKED';
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOwned, merchantLinkRefusal, owned, ownStore, type OwnedOperation, type StoreOperation } from '../../src/domain/access-guard.js';
import { DomainError } from '../../src/domain/errors.js';

// Written out by hand from the v10 contract and SPEC §7: per operation, the answer to a missing resource, one of
// another integrator, and one of another merchant of the same integrator (status, code, message on the wire).
type Wire = [status: number, code: string | null, message: string];
const POS_MISSING: Wire = [404, '1004', 'The point of sale was not found.'];
const POS_OTHER_INTEGRATOR: Wire = [403, '1400', 'The point of sale belongs to another integrator.'];
const PAYMENT_MISSING: Wire = [404, '1004', 'The payment was not found.'];
const PAYMENT_OTHER_INTEGRATOR: Wire = [403, '1401', 'The payment belongs to another integrator.'];
const PAYMENT_OTHER_MERCHANT = (code: string): Wire => [403, code, 'The payment belongs to another merchant.'];

const OWNED: Record<OwnedOperation, [missing: Wire, otherIntegrator: Wire, otherMerchant: Wire]> = {
  queryPos: [POS_MISSING, POS_OTHER_INTEGRATOR, [403, '1410', 'The point of sale belongs to another merchant.']],
  deletePos: [POS_MISSING, POS_OTHER_INTEGRATOR, [403, '1409', 'The point of sale belongs to another merchant.']],
  createPaymentOnPos: [
    [409, '1000', 'The point of sale was not found.'],
    POS_OTHER_INTEGRATOR,
    [403, '1400', 'The point of sale belongs to another merchant.'],
  ],
  queryPayment: [PAYMENT_MISSING, PAYMENT_OTHER_INTEGRATOR, PAYMENT_OTHER_MERCHANT('1411')],
  readyPayment: [PAYMENT_MISSING, PAYMENT_OTHER_INTEGRATOR, PAYMENT_OTHER_MERCHANT('1406')],
  capturePayment: [PAYMENT_MISSING, PAYMENT_OTHER_INTEGRATOR, PAYMENT_OTHER_MERCHANT('1407')],
  cancelPayment: [PAYMENT_MISSING, PAYMENT_OTHER_INTEGRATOR, PAYMENT_OTHER_MERCHANT('1408')],
  refundPayment: [[409, '1001', 'The payment was not found.'], PAYMENT_OTHER_INTEGRATOR, PAYMENT_OTHER_MERCHANT('1401')],
  actOnRefund: [
    [404, '1004', 'The refund was not found.'],
    [403, '1402', 'The refund belongs to another integrator.'],
    [403, '1402', 'The refund belongs to another merchant.'],
  ],
};

const STORES: Record<StoreOperation, [missing: Wire, otherMerchant: Wire]> = {
  queryStore: [[404, '1004', 'The store was not found.'], [403, '1403', 'The store does not belong to the merchant.']],
  createPosInStore: [[409, '1002', 'The store was not found.'], [403, '1403', 'The store does not belong to the merchant.']],
};

function refusal(act: () => unknown): Wire {
  try {
    act();
  } catch (error) {
    assert.ok(error instanceof DomainError);
    return [error.status, error.code, error.message];
  }
  assert.fail('no refusal');
}

const resource = { integratorId: 'i1', merchantId: 'm1', name: 'kept' };

for (const [operation, [missing, otherIntegrator, otherMerchant]] of Object.entries(OWNED) as [OwnedOperation, [Wire, Wire, Wire]][]) {
  test(`${operation}: the owner gets the resource, everyone else the operation's refusal`, () => {
    assert.equal(owned(operation, resource, 'i1', 'm1'), resource);
    assert.deepEqual(refusal(() => owned(operation, undefined, 'i1', 'm1')), missing);
    assert.deepEqual(refusal(() => owned(operation, resource, 'i2', 'm1')), otherIntegrator);
    assert.deepEqual(refusal(() => owned(operation, resource, 'i1', 'm2')), otherMerchant);
    // The caller's merchant is unknown to the platform: nobody's resource is its.
    assert.deepEqual(refusal(() => owned(operation, resource, 'i1', undefined)), otherMerchant);
    // Another integrator is told so even when the merchant differs too.
    assert.deepEqual(refusal(() => owned(operation, resource, 'i2', 'm2')), otherIntegrator);
  });
}

for (const [operation, [missing, otherMerchant]] of Object.entries(STORES) as [StoreOperation, [Wire, Wire]][]) {
  test(`${operation}: a store is its merchant's, whichever integrator asks`, () => {
    const store = { merchantId: 'm1' };
    assert.equal(ownStore(operation, store, 'm1'), store);
    assert.deepEqual(refusal(() => ownStore(operation, undefined, 'm1')), missing);
    assert.deepEqual(refusal(() => ownStore(operation, store, 'm2')), otherMerchant);
    assert.deepEqual(refusal(() => ownStore(operation, store, undefined)), otherMerchant);
  });
}

test('isOwned: only the owning integrator and merchant', () => {
  assert.equal(isOwned(resource, 'i1', 'm1'), true);
  assert.equal(isOwned(undefined, 'i1', 'm1'), false);
  assert.equal(isOwned(resource, 'i2', 'm1'), false);
  assert.equal(isOwned(resource, 'i1', undefined), false);
});

test('merchantLinkRefusal: 3010 for a merchant not linked to the integrator', () => {
  const links = { mayActFor: (integratorId: string, vat: string) => integratorId === 'i1' && vat === 'DK12345678' };
  assert.equal(merchantLinkRefusal(links, 'i1', 'DK12345678'), undefined);
  const error = new DomainError(merchantLinkRefusal(links, 'i2', 'DK12345678')!);
  assert.deepEqual([error.status, error.code, error.message], [403, '3010', "The merchant is not linked to the caller's integrator: it may not act on the merchant's behalf."]);
  assert.equal(merchantLinkRefusal(links, 'i1', 'DK87654321'), 'MERCHANT_NOT_LINKED');
});

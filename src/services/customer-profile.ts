import { createHash } from 'node:crypto';
import type { CustomerRecord } from '../domain/customer.js';
import { DomainError } from '../domain/errors.js';
import { isPhoneNumber } from '../domain/ids.js';
import type { Pairing } from '../domain/payment.js';
import type { Db } from '../store/database.js';
import { customersRepository } from '../store/repositories/customers.js';

/** The MobilePay user with this phone number, or 404 3003. */
export async function knownCustomer(db: Db, phoneNumber: string): Promise<CustomerRecord> {
  // A number no user can have is not looked up: PostgreSQL refuses some text outright (a NUL byte).
  const customer = isPhoneNumber(phoneNumber) ? await customersRepository.findByPhone(db, phoneNumber) : undefined;
  if (!customer) throw new DomainError('UNKNOWN_CUSTOMER');
  return customer;
}

/**
 * What a merchant learns about a customer paired with its payment (or checked in on its PoS). The
 * customerToken is per customer *and merchant* (a merchant cannot follow a customer to another merchant);
 * loyalty ids and the receipt token are looked up at pairing, so a paired payment always carries them,
 * possibly empty.
 */
export interface CustomerView {
  customerToken: string;
  customerReceiptToken: string;
  loyaltyIds: string[];
}

export function customerViewFor(customer: CustomerRecord, merchantId: string): CustomerView {
  return {
    customerToken: createHash('sha1').update(`${customer.customerToken}:${merchantId}`).digest('hex'),
    customerReceiptToken: customer.customerReceiptToken,
    loyaltyIds: customer.loyaltyIds,
  };
}

/** What pairing the customer with a payment of the merchant gives the payment. */
export function pairingOf(customer: CustomerRecord, merchantId: string): Pairing {
  return { customerPhone: customer.phoneNumber, ...customerViewFor(customer, merchantId) };
}

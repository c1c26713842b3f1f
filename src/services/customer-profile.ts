import { createHash } from 'node:crypto';
import { DomainError } from '../domain/errors.js';
import { isPhoneNumber } from '../domain/ids.js';
import type { Db } from '../store/database.js';
import { customersRepository } from '../store/repositories/customers.js';
import type { Customer, PaymentUpdate } from '../store/schema.js';

/** The MobilePay user with this phone number, or 404 3003. */
export async function knownCustomer(db: Db, phoneNumber: string): Promise<Customer> {
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

export function customerViewFor(customer: Customer, merchantId: string): CustomerView {
  return {
    customerToken: createHash('sha1').update(`${customer.customer_token}:${merchantId}`).digest('hex'),
    customerReceiptToken: customer.customer_receipt_token,
    loyaltyIds: JSON.parse(customer.loyalty_ids) as string[],
  };
}

/** The payment columns that pairing a customer sets. */
export function pairingChanges(customer: Customer, merchantId: string): PaymentUpdate {
  const view = customerViewFor(customer, merchantId);
  return {
    customer_phone: customer.phone_number,
    customer_token: view.customerToken,
    customer_receipt_token: view.customerReceiptToken,
    loyalty_ids: JSON.stringify(view.loyaltyIds),
  };
}

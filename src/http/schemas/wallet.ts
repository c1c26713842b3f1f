import { Type } from '@sinclair/typebox';
import { PAYMENT_STATUSES } from '../../domain/payment-state.js';
import { Nullable, Strict, StringEnum, Uuid } from './common.js';

/** Our own API (the wallet app's), not v10's: camelCase like v10, amounts in major units like v10. */
const PaymentSource = StringEnum(['Credit', 'Debit'] as const);

const Place = {
  beaconId: Type.String(),
  posName: Type.String(),
  storeName: Type.String(),
  brandName: Type.String(),
};

export const WalletUsersResponse = Type.Object(
  { users: Type.Array(Type.Object({ phoneNumber: Type.String(), paymentSource: PaymentSource }, Strict)) },
  { ...Strict, title: 'WalletUsersResponse' },
);

export const WalletResponse = Type.Object(
  {
    phoneNumber: Type.String(),
    paymentSource: PaymentSource,
    loyaltyIds: Type.Array(Type.String()),
    checkin: Nullable(Type.Object({ ...Place, expiresAt: Type.String({ format: 'date-time' }) }, Strict)),
    payments: Type.Array(
      Type.Object(
        {
          paymentId: Uuid(),
          status: StringEnum(PAYMENT_STATUSES),
          amount: Nullable(Type.Number()),
          currencyCode: Nullable(Type.String()),
          merchantPaymentLabel: Nullable(Type.String()),
          capturedAmount: Nullable(Type.Number()),
          updatedAt: Type.String({ format: 'date-time' }),
          ...Place,
        },
        Strict,
      ),
    ),
  },
  { ...Strict, title: 'WalletResponse' },
);

export const WalletUserParams = Type.Object({ phoneNumber: Type.String({ description: 'The customer, e.g. +4520031801' }) });
export const WalletPaymentParams = Type.Object({ phoneNumber: Type.String(), paymentId: Type.String() });
export const WalletCheckInRequest = Type.Object(
  { beaconId: Type.String({ description: 'The beacon id, or what the phone scanned: a QR code holds mobilepaypos://pos?id=<beaconId>&source=qr.' }) },
  { ...Strict, title: 'WalletCheckInRequest' },
);

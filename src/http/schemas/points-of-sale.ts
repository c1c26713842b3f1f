import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Strict, Uuid } from './common.js';

const BeaconType = Type.Union([Type.Literal('QR'), Type.Literal('NFC'), Type.Literal('Bluetooth')]);

const SupportedBeaconTypes = Type.Array(BeaconType, {
  uniqueItems: true,
  minItems: 1,
  description: 'Beacon types this PoS supports for check-in (eg. QR, Bluetooth).',
});

export const CreatePosRequest = Type.Object(
  {
    merchantPosId: Type.String({ description: 'Merchant-defined unique ID; at most 36 valid characters.', example: 'My-Pos-1' }),
    storeId: Uuid('The store to create this point of sale for.'),
    name: Type.String({ description: 'Merchant-defined PoS name, shown to the user after check-in.' }),
    beaconId: Type.Optional(Nullable(Type.String({ description: 'A 15-digit number or a GUID; generated when null.' }))),
    callbackAlias: Type.Optional(Nullable(Type.String())),
    supportedBeaconTypes: SupportedBeaconTypes,
    requirePaymentBeforeCheckin: Type.Optional(Type.Boolean()),
  },
  { ...Strict, title: 'CreatePosRequest' },
);
export type CreatePosRequest = Static<typeof CreatePosRequest>;

export const CreatePosResponse = Type.Object({ posId: Uuid() }, { ...Strict, title: 'CreatePosResponse' });

export const PosResponse = Type.Object(
  {
    posId: Uuid(),
    merchantPosId: Type.String(),
    storeId: Uuid(),
    name: Type.String(),
    beaconId: Type.String(),
    callbackAlias: Type.Optional(Nullable(Type.String())),
    supportedBeaconTypes: SupportedBeaconTypes,
    requirePaymentBeforeCheckin: Type.Boolean(),
  },
  { ...Strict, title: 'PosResponse' },
);

export const PosIdsResponse = Type.Object({ posIds: Type.Array(Uuid()) }, { ...Strict, title: 'PosIdsResponse' });

export const GetCheckInResponse = Type.Object(
  {
    isUserCheckedIn: Type.Boolean(),
    loyaltyIds: Type.Optional(Nullable(Type.Array(Type.String()))),
    pollDelayInMs: Type.Integer({ format: 'int32' }),
    customerToken: Type.Optional(Nullable(Type.String())),
    customerReceiptToken: Type.Optional(Nullable(Type.String())),
  },
  { ...Strict, title: 'GetCheckInResponse' },
);

export const PosFilterQuery = Type.Object({
  storeId: Type.Optional(Nullable(Uuid())),
  beaconId: Type.Optional(Nullable(Type.String())),
  merchantPosId: Type.Optional(Nullable(Type.String())),
});
export type PosFilterQuery = Static<typeof PosFilterQuery>;

export const PosIdParams = Type.Object({ posid: Uuid('The ID of the point of sale') });

import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Strict, Uuid } from './common.js';

export const StoreResponse = Type.Object(
  {
    storeName: Type.String(),
    storeId: Uuid('The internal ID of the store.'),
    storeStreet: Type.String(),
    storeZipCode: Type.String(),
    storeCity: Type.String(),
    brandName: Type.String(),
    merchantBrandId: Type.String({ example: 'POSDK12345' }),
    merchantLocationId: Type.String({ example: '10001' }),
  },
  { ...Strict, title: 'StoreResponse' },
);

export const StoreIdsResponse = Type.Object({ storeIds: Type.Array(Uuid()) }, { ...Strict, title: 'StoreIdsResponse' });

export const StoreFilterQuery = Type.Object({
  merchantBrandId: Type.Optional(Nullable(Type.String())),
  merchantLocationId: Type.Optional(Nullable(Type.String())),
});
export type StoreFilterQuery = Static<typeof StoreFilterQuery>;

export const StoreIdParams = Type.Object({ storeid: Uuid('The store ID') });

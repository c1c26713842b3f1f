/** A merchant (a VAT number) as the services see it. */
export interface Merchant {
  merchantId: string;
  vatNumber: string;
  name: string;
  createdAt: number;
}

export interface Brand {
  merchantBrandId: string;
  merchantId: string;
  brandName: string;
}

/** What an operator says about a store; its identity (id, brand, location) never changes. */
export interface StoreDetails {
  storeName: string;
  storeStreet: string;
  storeZipCode: string;
  storeCity: string;
  /** A store not activated takes no payment (1204). */
  activated: boolean;
}

export interface NewStore extends StoreDetails {
  storeId: string;
  merchantBrandId: string;
  merchantLocationId: string;
}

/** A store with the brand and merchant it belongs to, as the stores API, the PoS rules and notifications need it. */
export interface Store extends NewStore {
  merchantId: string;
  brandName: string;
}

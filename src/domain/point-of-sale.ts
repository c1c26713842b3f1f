import type { Owner } from './access-guard.js';

export type BeaconType = 'QR' | 'NFC' | 'Bluetooth';

/** A point of sale as the services see it; the repository stores it (store/repositories/points-of-sale.ts). */
export interface PointOfSale extends Owner {
  posId: string;
  storeId: string;
  merchantPosId: string;
  name: string;
  /** Lower-case when a GUID: a phone may read either case. */
  beaconId: string;
  supportedBeaconTypes: BeaconType[];
  callbackAlias: string | null;
  requirePaymentBeforeCheckin: boolean;
  createdAt: number;
  /** A deleted PoS stays for its payments' sake; uniqueness rules apply to active (not deleted) ones only. */
  deletedAt: number | null;
}

export type NewPointOfSale = Omit<PointOfSale, 'deletedAt'>;

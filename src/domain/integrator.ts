/** A PoS vendor: its OAuth clients call the v10 API for the merchants linked to it (SPEC §7). */
export interface Integrator {
  integratorId: string;
  name: string;
  createdAt: number;
}

export interface Client {
  clientId: string;
  integratorId: string;
  /** scrypt hash, see services/secrets.ts */
  secretHash: string;
  createdAt: number;
  /** Set while an operator has disabled the client: its tokens are refused and it gets no new one. */
  disabledAt: number | null;
}

export interface CallbackAlias {
  integratorId: string;
  alias: string;
  url: string;
}

/** A link of an integrator to a merchant, named by the merchant's VAT number (what a caller names). */
export interface MerchantLink {
  integratorId: string;
  vatNumber: string;
}

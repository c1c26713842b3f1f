/** Who is calling the integrator API, established by authentication and the v10 headers. */
export interface Caller {
  clientId: string;
  integratorId: string;
  /** The merchant the call is made for: the token's merchant_vat claim or the VAT header. */
  merchantVat: string;
  systemVersion: string;
  systemName?: string;
}

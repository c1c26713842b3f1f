import type { Seed } from './seed.js';

/**
 * MobilePay's sandbox test users (SPEC §8): Danish +45200318NN and Finnish +358200318NNN, same pattern.
 * They exist on every sandbox platform; a seed file can add more.
 */
export const BUILT_IN_TEST_USERS: NonNullable<Seed['users']> = (['+45200318', '+358200318'] as const).flatMap((prefix) => {
  const phone = (n: number) => `${prefix}${String(n).padStart(prefix === '+45200318' ? 2 : 3, '0')}`;
  return [
    { phoneNumber: phone(1), paymentSource: 'Credit' as const },
    { phoneNumber: phone(2), paymentSource: 'Debit' as const },
    { phoneNumber: phone(3), paymentSource: 'Credit' as const },
    { phoneNumber: phone(4), paymentSource: 'Credit' as const, loyaltyIds: ['LOYALTY-1001', 'LOYALTY-1002'] },
    { phoneNumber: phone(5), paymentSource: 'Credit' as const, partialCapturePossible: true },
  ];
});

/**
 * The demo credentials printed at start. They are a public sandbox login, like MobilePay's published test
 * data, and only loaded when the platform starts with no configuration (see Config.demoData).
 */
export const DEMO_CLIENT = { clientId: 'demo-client', clientSecret: 'demo-secret' } as const;
export const DEMO_VAT_NUMBER = 'DK12345678';
export const DEMO_STORE_ID = '5f1c0c6e-3c1a-4c8e-9a77-2d1f7c9b0a01';

/** MobilePay's certification merchants, one Danish and one Finnish. */
const CERTIFICATION_VAT_NUMBERS = ['DK90000028', 'FI90000040'] as const;

/** A merchant with an activated and a not-activated store, MobilePay's certification merchants, and one integrator. */
export const DEMO_SEED: Seed = {
  merchants: [
    {
      vatNumber: DEMO_VAT_NUMBER,
      name: 'Café Aurora',
      brands: [
        {
          merchantBrandId: 'POSDK12345',
          brandName: 'Aurora',
          stores: [
            {
              storeId: DEMO_STORE_ID,
              merchantLocationId: '00001',
              storeName: 'Aurora Nørrebro',
              storeStreet: 'Jægersborggade 1',
              storeZipCode: '2200',
              storeCity: 'København',
              activated: true,
            },
            {
              merchantLocationId: '00002',
              storeName: 'Aurora Aarhus (opening soon)',
              storeStreet: 'Jægergårdsgade 10',
              storeZipCode: '8000',
              storeCity: 'Aarhus',
              activated: false,
            },
          ],
        },
      ],
    },
    ...CERTIFICATION_VAT_NUMBERS.map((vatNumber) => ({
      vatNumber,
      name: `MobilePay certification merchant ${vatNumber.slice(0, 2)}`,
      brands: [
        {
          merchantBrandId: vatNumber.startsWith('DK') ? 'MPPOSCERT1' : 'MPPOSCERT2',
          brandName: 'Certification',
          stores: [
            {
              merchantLocationId: '00001',
              storeName: 'Certification store',
              storeStreet: vatNumber.startsWith('DK') ? 'Vestergade 1' : 'Keskuskatu 4',
              storeZipCode: vatNumber.startsWith('DK') ? '1456' : '00100',
              storeCity: vatNumber.startsWith('DK') ? 'København' : 'Helsinki',
              activated: true,
            },
          ],
        },
      ],
    })),
  ],
  integrators: [{ name: 'Demo Integrator', merchants: [DEMO_VAT_NUMBER, ...CERTIFICATION_VAT_NUMBERS], clients: [{ ...DEMO_CLIENT }] }],
};

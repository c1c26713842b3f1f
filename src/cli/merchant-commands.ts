import type { Command } from 'commander';
import type { Db } from '../store/database.js';
import { merchantsRepository } from '../store/repositories/merchants.js';
import { CliError, type CliContext } from './context.js';
import { JSON_OPTION_HELP, printRecords, timestamp, yesNo } from './format.js';

/** `merchant`, `brand` and `store`: a merchant (by VAT number) has brands, and a brand has stores. */
export function addMerchantCommands(program: Command, cli: CliContext): void {
  const merchant = program.command('merchant').description('merchants, known by their VAT number');
  merchant
    .command('add')
    .description('add a merchant, or rename one (the same input again changes nothing)')
    .requiredOption('--vat <vatNumber>', 'VAT number: DK or FI followed by 8 digits')
    .requiredOption('--name <name>', 'merchant name')
    .option('--merchant-id <guid>', 'the merchantId to give it (default: a new GUID)')
    .action(async (opts: { vat: string; name: string; merchantId?: string }) => {
      const { onboarding } = await cli.session();
      const saved = await onboarding.upsertMerchant({ vatNumber: opts.vat, name: opts.name, merchantId: opts.merchantId });
      cli.out.write(`merchant ${saved.vatNumber} "${saved.name}": merchantId ${saved.merchantId}\n`);
    });
  merchant
    .command('list')
    .description('list merchants')
    .option('--json', JSON_OPTION_HELP)
    .action(async (opts: { json?: boolean }) => {
      const { db } = await cli.session();
      const merchants = (await merchantsRepository.list(db)).map((m) => ({
        merchantId: m.merchantId,
        vatNumber: m.vatNumber,
        name: m.name,
        createdAt: timestamp(m.createdAt),
      }));
      printRecords(
        cli.out,
        merchants,
        [
          ['VAT', (m) => m.vatNumber],
          ['NAME', (m) => m.name],
          ['MERCHANT ID', (m) => m.merchantId],
          ['CREATED', (m) => m.createdAt],
        ],
        { json: opts.json, none: 'no merchants' },
      );
    });

  const brand = program.command('brand').description("merchants' brands");
  brand
    .command('add')
    .description('add a brand to a merchant, or rename it')
    .requiredOption('--vat <vatNumber>', "the merchant's VAT number")
    .requiredOption('--brand-id <merchantBrandId>', 'MPPOS, POSDK or POSFI followed by 5 letters or digits')
    .requiredOption('--name <brandName>', 'brand name')
    .action(async (opts: { vat: string; brandId: string; name: string }) => {
      const { onboarding } = await cli.session();
      await onboarding.upsertBrand(opts.vat, { merchantBrandId: opts.brandId, brandName: opts.name });
      cli.out.write(`brand ${opts.brandId} "${opts.name}" of merchant ${opts.vat} saved\n`);
    });
  brand
    .command('list')
    .description('list brands')
    .option('--vat <vatNumber>', "only this merchant's")
    .option('--json', JSON_OPTION_HELP)
    .action(async (opts: { vat?: string; json?: boolean }) => {
      const { db } = await cli.session();
      const vatOf = new Map((await merchantsRepository.list(db)).map((m) => [m.merchantId, m.vatNumber]));
      const brands = (await merchantsRepository.listBrands(db, await merchantIdOf(db, opts.vat))).map((b) => ({
        merchantBrandId: b.merchantBrandId,
        brandName: b.brandName,
        vatNumber: vatOf.get(b.merchantId) ?? '',
      }));
      printRecords(
        cli.out,
        brands,
        [
          ['BRAND ID', (b) => b.merchantBrandId],
          ['NAME', (b) => b.brandName],
          ['MERCHANT VAT', (b) => b.vatNumber],
        ],
        { json: opts.json, none: 'no brands' },
      );
    });

  const store = program.command('store').description("brands' stores, activated or not");
  store
    .command('add')
    .description('add a store to a brand, or update it (prints its storeId)')
    .requiredOption('--brand-id <merchantBrandId>', 'the brand it belongs to')
    .requiredOption('--location-id <merchantLocationId>', 'exactly 5 characters, unique within the brand')
    .requiredOption('--name <storeName>', 'store name')
    .requiredOption('--street <street>', 'street address')
    .requiredOption('--zip <zipCode>', 'zip code')
    .requiredOption('--city <city>', 'city')
    .option('--store-id <guid>', 'the storeId to give it (default: a new GUID)')
    .option('--inactive', 'not activated (activate it later with `store activate`)')
    .action(
      async (opts: {
        brandId: string;
        locationId: string;
        name: string;
        street: string;
        zip: string;
        city: string;
        storeId?: string;
        inactive?: boolean;
      }) => {
        const { onboarding } = await cli.session();
        const saved = await onboarding.upsertStore(opts.brandId, {
          storeId: opts.storeId,
          merchantLocationId: opts.locationId,
          storeName: opts.name,
          storeStreet: opts.street,
          storeZipCode: opts.zip,
          storeCity: opts.city,
          activated: !opts.inactive,
        });
        const state = saved.activated ? 'activated' : 'not activated';
        cli.out.write(`store ${opts.brandId}/${opts.locationId} "${opts.name}" (${state}): storeId ${saved.storeId}\n`);
      },
    );
  store
    .command('list')
    .description('list stores, activated or not')
    .option('--vat <vatNumber>', "only this merchant's")
    .option('--json', JSON_OPTION_HELP)
    .action(async (opts: { vat?: string; json?: boolean }) => {
      const { db } = await cli.session();
      const stores = (await merchantsRepository.listStores(db, { merchantId: await merchantIdOf(db, opts.vat) })).map((s) => ({
        storeId: s.storeId,
        merchantBrandId: s.merchantBrandId,
        brandName: s.brandName,
        merchantLocationId: s.merchantLocationId,
        storeName: s.storeName,
        storeStreet: s.storeStreet,
        storeZipCode: s.storeZipCode,
        storeCity: s.storeCity,
        activated: s.activated,
      }));
      printRecords(
        cli.out,
        stores,
        [
          ['STORE ID', (s) => s.storeId],
          ['BRAND', (s) => s.merchantBrandId],
          ['LOCATION', (s) => s.merchantLocationId],
          ['NAME', (s) => s.storeName],
          ['ADDRESS', (s) => `${s.storeStreet}, ${s.storeZipCode} ${s.storeCity}`],
          ['ACTIVATED', (s) => yesNo(s.activated)],
        ],
        { json: opts.json, none: 'no stores' },
      );
    });
  for (const activated of [true, false]) {
    store
      .command(activated ? 'activate' : 'deactivate')
      .description(activated ? 'activate a store' : 'deactivate a store')
      .argument('<storeId>', 'the GUID printed by `store add`')
      .action(async (storeId: string) => {
        const { onboarding } = await cli.session();
        // Store ids are kept in lower case; a GUID copied in upper case is the same store.
        const id = storeId.toLowerCase();
        await onboarding.setStoreActivated(id, activated);
        cli.out.write(`store ${id} ${activated ? 'activated' : 'deactivated'}\n`);
      });
  }
}

/** The merchant a `--vat` filter names; no filter when not given. */
async function merchantIdOf(db: Db, vatNumber: string | undefined): Promise<string | undefined> {
  if (vatNumber === undefined) return undefined;
  const merchant = await merchantsRepository.findByVat(db, vatNumber);
  if (!merchant) throw new CliError(`no merchant with VAT number ${vatNumber}`);
  return merchant.merchantId;
}

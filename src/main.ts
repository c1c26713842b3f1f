import pino from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { buildApp } from './http/app.js';
import { startBackgroundWork } from './jobs/background.js';
import { baseUrlOf, createPlatform, type Platform } from './platform.js';
import { DEMO_CLIENT, DEMO_STORE_ID, DEMO_VAT_NUMBER } from './services/demo-data.js';
import { SeedError } from './services/seed.js';
import { DatabaseInUseError } from './store/sqlite-server-lock.js';

/** What an operator needs to start using a fresh platform, printed once it listens. */
function banner(platform: Pick<Platform, 'engine' | 'adminToken' | 'adminTokenGenerated'>, config: Config): string {
  const base = baseUrlOf(config);
  const lines = [
    '',
    `MobilePay PoS v10 platform listening on ${base} (${platform.engine}${config.sandbox ? ', sandbox' : ''})`,
    `  API docs: ${base}/docs    OpenAPI: ${base}/openapi.json    health: ${base}/healthz`,
  ];
  lines.push(`  Dashboard (sign in with a client's credentials): ${base}/dashboard`);
  if (config.sandbox) lines.push(`  Wallet app (a test user's phone): ${base}/app`);
  if (platform.adminTokenGenerated && config.sandbox) lines.push(`  Admin token (generated, set ADMIN_TOKEN to keep one): ${platform.adminToken}`);
  if (config.demoData) {
    lines.push(
      '',
      'Demo credentials:',
      `  client_id=${DEMO_CLIENT.clientId}  client_secret=${DEMO_CLIENT.clientSecret}  merchant VAT=${DEMO_VAT_NUMBER}  storeId=${DEMO_STORE_ID}`,
      '',
      'Try it:',
      `  TOKEN=$(curl -s -u ${DEMO_CLIENT.clientId}:${DEMO_CLIENT.clientSecret} -d grant_type=client_credentials \\`,
      `    ${base}/integrator-authentication/connect/token | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
      `  curl -s -X POST ${base}/pos/v10/pointofsales -H "Authorization: Bearer $TOKEN" \\`,
      `    -H 'X-MobilePay-Client-System-Version: 1.0.0' -H 'X-MobilePay-Merchant-VAT-Number: ${DEMO_VAT_NUMBER}' \\`,
      `    -H "X-MobilePay-Idempotency-Key: $(date +%s%N)" -H 'Content-Type: application/json' \\`,
      `    -d '{"merchantPosId":"till-1","storeId":"${DEMO_STORE_ID}","name":"Till 1","supportedBeaconTypes":["QR"]}'`,
    );
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = pino({ level: config.logLevel, redact: ['req.headers.authorization'] });

  let platform: Platform;
  try {
    platform = await createPlatform(config, { logger });
  } catch (error) {
    if (error instanceof SeedError) {
      process.stderr.write(`Seed error: ${error.message}\n`);
      process.exit(2);
    }
    if (error instanceof DatabaseInUseError) {
      process.stderr.write(`Database in use: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  // Timers that fell due while the platform was down fire before the first request is answered.
  const background = await startBackgroundWork(platform, (err, what) => logger.warn({ err }, `${what} failed`));
  const app = await buildApp(platform, { logger });
  await app.listen({ port: config.port, host: config.host });
  process.stdout.write(banner(platform, config));

  // Graceful shutdown: stop accepting and let in-flight requests finish while notification deliveries under way
  // are aborted (they stay pending for the next process), then close the database.
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await Promise.all([app.close(), background.stop()]);
    await platform.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Start-up failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});

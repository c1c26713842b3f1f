import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { SECOND } from '../domain/durations.js';
import type { Platform } from '../platform.js';
import { baseUrlOf } from '../platform.js';
import { lazyChildLogger } from './lazy-child-logger.js';
import { servePage } from './web-pages.js';
import { contentTypes } from './plugins/content-types.js';
import { correlationIdOptions, requestContext } from './plugins/request-context.js';
import { answerClientError, errorHandler, sendFrameworkError } from './plugins/error-handler.js';
import { lenientAmounts } from './plugins/lenient-amounts.js';
import { documentV10Security, requireIntegratorCall, V10_SECURITY_SCHEME } from './plugins/v10-auth.js';
import { injectFaults } from './plugins/fault-injection.js';
import { recordCalls } from './plugins/request-log.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { healthAndMetrics } from './routes/health-and-metrics.js';
import { landingPage } from './routes/landing.js';
import { integratorAuthenticationRoutes } from './routes/integrator-authentication.js';
import { sandboxRoutes } from './routes/sandbox.js';
import { sandboxFaultRoutes } from './routes/sandbox-faults.js';
import { userSimulationRoutes } from './routes/user-simulation.js';
import { walletRoutes } from './routes/wallet.js';
import { paymentRoutes } from './routes/v10/payments.js';
import { pointOfSaleRoutes } from './routes/v10/points-of-sale.js';
import { refundRoutes } from './routes/v10/refunds.js';
import { storeRoutes } from './routes/v10/stores.js';
import './types.js';

export interface AppOptions {
  /** A pino logger; without one, or at level silent, the app logs nothing. */
  logger?: Logger;
}

/**
 * A request must arrive whole within `requestTimeoutMs` (SPEC §2.6 asked clients for 2 s timeouts; a body that
 * trickles in would otherwise hold a connection for as long as the client likes): Node then raises a
 * clientError, answered 408 (answerClientError), and closes the connection. The headers are bounded by the same
 * time (Node's own headersTimeout is a minute). Node looks for such requests every connectionsCheckingInterval
 * (30 s by default, which would let one last 40 s): a tenth of the timeout, at most a second. An idle
 * keep-alive connection between two requests is not a request: Fastify's keepAliveTimeout (72 s) ends it.
 */
function requestTimeouts(requestTimeoutMs: number) {
  return {
    requestTimeout: requestTimeoutMs,
    http: { headersTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(SECOND, Math.ceil(requestTimeoutMs / 10)) },
  };
}

/** The HTTP face of a platform. Closing the app does not close the platform (the caller owns both). */
export async function buildApp(platform: Platform, options: AppOptions = {}): Promise<FastifyInstance> {
  // Fastify given a logger makes a child per request and listens on every response for its end; a logger that
  // writes nothing (LOG_LEVEL=silent) is not worth that on the hot path.
  const logger = options.logger?.isLevelEnabled('fatal') ? options.logger : undefined;
  const app = Fastify({
    ...(logger ? { loggerInstance: logger as FastifyBaseLogger, childLoggerFactory: lazyChildLogger } : { logger: false }),
    ...correlationIdOptions,
    // The body of a v10 call is small; anything larger is refused before it is read (413).
    bodyLimit: 64 * 1024,
    frameworkErrors: sendFrameworkError,
    clientErrorHandler: answerClientError,
    ...requestTimeouts(platform.config.requestTimeoutMs),
    ajv: {
      customOptions: {
        // A JSON number sent as a string is a wrong type (1099), never silently converted; an amount is read
        // from a plain decimal string before validation, as MobilePay did (plugins/lenient-amounts.ts).
        coerceTypes: false,
        // Unknown properties are dropped, as MobilePay's .NET deserializer ignored them.
        removeAdditional: true,
        allErrors: false,
        // The contract's schemas carry OpenAPI's `example`; it documents, it does not validate.
        keywords: ['example'],
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(contentTypes);
  await app.register(requestContext);
  await app.register(errorHandler);
  await app.register(lenientAmounts);
  await app.register(healthAndMetrics({ metrics: platform.metrics }));

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'MobilePay PoS Integrator API v10 (open implementation)',
        description: 'Wire-compatible with the MobilePay Point of Sale API v10 (contract version 10.2.6).',
        version: '10.2.6',
      },
      servers: [{ url: baseUrlOf(platform.config) }],
      components: {
        securitySchemes: {
          // What /pos/v10 calls need (V10_SECURITY): a token from our endpoint, so the docs' Authorize fetches one.
          [V10_SECURITY_SCHEME]: {
            type: 'oauth2',
            description: "The integrator's client id and secret (the sandbox's demo client: demo-client / demo-secret).",
            flows: { clientCredentials: { tokenUrl: `${baseUrlOf(platform.config)}/integrator-authentication/connect/token`, scopes: {} } },
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // Each plugin gets the part of the platform it uses, and nothing else.
  const { config, tokens, access, requestLog, idempotency, customerSide } = platform;
  await app.register(integratorAuthenticationRoutes({ tokens, issuer: platform.issuer }), { prefix: '/integrator-authentication' });
  await app.register(
    async (v10) => {
      requireIntegratorCall(v10, tokens, access);
      documentV10Security(v10);
      // Faults are a sandbox tool (rules are made only there), and their hooks cost every call a little (a poll
      // measured 8–16 % more CPU with them): production does without. Before the request log: its onSend runs
      // after the fault's, and records what the client got.
      if (config.sandbox) injectFaults(v10, platform.faults);
      recordCalls(v10, requestLog);
      await v10.register(storeRoutes({ stores: platform.stores }));
      await v10.register(pointOfSaleRoutes({ pointsOfSale: platform.pointsOfSale, idempotency, customerSide, pollDelayMs: config.pollDelayMs }));
      await v10.register(paymentRoutes({ payments: platform.payments, paymentPolls: platform.paymentPolls, idempotency }));
      await v10.register(refundRoutes({ refunds: platform.refunds, idempotency }));
    },
    { prefix: '/pos/v10' },
  );
  await app.register(landingPage({ baseUrl: baseUrlOf(config), sandbox: config.sandbox, demoData: config.demoData }));
  await app.register(dashboardRoutes({ tokens, requestLog }), { prefix: '/dashboard/api' });
  await servePage(app, 'dashboard');
  if (config.sandbox) {
    await app.register(userSimulationRoutes({ tokens, customerSide }), { prefix: '/pos/app/usersimulation' });
    const { adminToken, clock, sandboxClock, dueTimers, deliveries } = platform;
    await app.register(sandboxRoutes({ adminToken, clock, sandboxClock, dueTimers, deliveries }), { prefix: '/sandbox' });
    await app.register(sandboxFaultRoutes({ adminToken, faultRules: platform.faultRules }), { prefix: '/sandbox/faults' });
    await app.register(walletRoutes({ wallet: platform.wallet, customerSide }), { prefix: '/app/api' });
    await servePage(app, 'app');
  }

  return app;
}

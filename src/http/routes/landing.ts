import type { FastifyInstance } from 'fastify';
import { DEMO_CLIENT, DEMO_STORE_ID, DEMO_VAT_NUMBER } from '../../services/demo-data.js';

export interface LandingDeps {
  /** Where clients reach the platform (PUBLIC_URL), for the links and the first curl. */
  baseUrl: string;
  sandbox: boolean;
  /** The demo dataset is loaded: its credentials may be shown (they are in the README too). */
  demoData: boolean;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The first calls a newcomer makes: a token, then the stores of the demo merchant. */
function firstCurl(baseUrl: string): string {
  return [
    `TOKEN=$(curl -s -u ${DEMO_CLIENT.clientId}:${DEMO_CLIENT.clientSecret} -d grant_type=client_credentials \\`,
    `  ${baseUrl}/integrator-authentication/connect/token | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
    `curl -s ${baseUrl}/pos/v10/stores -H "Authorization: Bearer $TOKEN" \\`,
    `  -H 'X-MobilePay-Client-System-Version: 1.0.0' -H 'X-MobilePay-Merchant-VAT-Number: ${DEMO_VAT_NUMBER}'`,
  ].join('\n');
}

function render({ baseUrl, sandbox, demoData }: LandingDeps): string {
  const links = [
    ['/docs', 'API documentation', 'every v10 operation, its errors, and a console to try it'],
    ['/dashboard/', 'Console', "sign in with a client's credentials to see its calls"],
    ...(sandbox ? [['/app/', 'Wallet', "a test user's phone: check in at a beacon, pay or decline"]] : []),
    ['/openapi.json', 'OpenAPI document', 'for client generators'],
  ];
  const demo = sandbox && demoData
    ? `<section aria-labelledby="demo-title">
      <h2 id="demo-title">Demo credentials</h2>
      <dl>
        <dt>Client id</dt><dd><code>${DEMO_CLIENT.clientId}</code></dd>
        <dt>Client secret</dt><dd><code>${DEMO_CLIENT.clientSecret}</code></dd>
        <dt>Merchant VAT number</dt><dd><code>${DEMO_VAT_NUMBER}</code></dd>
        <dt>Activated store</dt><dd><code>${DEMO_STORE_ID}</code></dd>
      </dl>
      <h2 id="curl-title">A first call</h2>
      <pre tabindex="0" aria-labelledby="curl-title"><code>${escapeHtml(firstCurl(baseUrl))}</code></pre>
    </section>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>MobilePay PoS v10 · open platform</title>
  <style>
    :root { font-family: system-ui, sans-serif; color: #1b1b1f; background: #f4f6fa; }
    main { max-width: 46rem; margin: 0 auto; padding: 1rem; }
    h1 { color: #3b5bdb; font-size: 1.6rem; }
    a { color: #2b47b8; }
    li { margin: 0.4rem 0; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
    dd { margin: 0; overflow-wrap: anywhere; }
    pre { background: #fff; padding: 0.75rem; border-radius: 0.4rem; overflow-x: auto; font-size: 0.85rem; }
  </style>
</head>
<body>
  <main>
    <h1>MobilePay PoS v10 · open platform</h1>
    <p>An open implementation of the MobilePay Point of Sale API v10: the API a point-of-sale system calls to put a
    payment request on a customer's phone after the customer checks in at a beacon. v10 clients work against it
    unchanged.${sandbox ? ' This is a sandbox: test users, a wallet that plays the customer, and a clock you can move.' : ''}</p>
    <nav aria-label="Pages">
      <ul>
        ${links.map(([href, name, what]) => `<li><a href="${href}">${name}</a>: ${escapeHtml(what!)}</li>`).join('\n        ')}
      </ul>
    </nav>
    ${demo}
  </main>
</body>
</html>`;
}

/** The landing page at `/`: what this is, where to go, and in a demo sandbox how to make a first call. */
export const landingPage = (deps: LandingDeps) => async (app: FastifyInstance) => {
  const html = render(deps);
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
};

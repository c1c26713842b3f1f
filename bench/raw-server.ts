/**
 * The raw ceiling: a bare node:http server answering one fixed, payment-shaped QueryPaymentResponse to every
 * request. Started by run.ts as a child process (so it has an event loop of its own, like the platform);
 * it reports its port over IPC and exits when the parent goes away.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const body = Buffer.from(
  JSON.stringify({
    paymentId: '3b1b0d6e-7f6a-4c3e-9d2a-5e8f1a2b3c4d',
    posId: '9e4c2a1b-8d7f-4e6a-b5c3-2d1e0f9a8b7c',
    orderId: 'bench-order-000001',
    amount: 12.5,
    currencyCode: 'DKK',
    restrictions: null,
    merchantPaymentLabel: null,
    plannedCaptureDelay: 'None',
    status: 'Reserved',
    customerToken: 'c0ffee00-1234-4abc-8def-0123456789ab',
    customerReceiptToken: 'beef0000-5678-4abc-8def-0123456789ab',
    loyaltyIds: [],
    paymentExpiresAt: '2026-12-02T10:00:00.000Z',
    partialCapturePossible: false,
    pollDelayInMs: 1000,
  }),
);

const server = createServer((request, response) => {
  // Drain the request (a GET has no body, but a keep-alive connection must be read to the end).
  request.resume();
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  response.end(body);
});

server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});

// The parent's IPC channel closes when it exits, even on a crash: do not outlive it.
process.on('disconnect', () => process.exit(0));

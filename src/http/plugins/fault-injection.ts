import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { FAULT_ROUTES, type FaultRule } from '../../domain/fault-rule.js';
import type { FaultSnapshot } from '../../services/fault-injection.js';
import { replaceWithError, sendError } from './error-handler.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The fault this call gets after its work is done (plugins/fault-injection.ts); null nearly always. */
    fault: FaultRule | null;
  }
}

/**
 * Applies the fault rules (domain/fault-rule.ts) to the integrator API of the scope. Registered after the
 * v10 authentication (a rule names the calling client) and before the request log, whose onSend then records
 * what the client actually got: the injected 500, or the late answer's latency.
 *
 * Each route gets an onRequest hook of its own knowing the route's name, so a call no rule names costs one Map
 * lookup and nothing else; only a named call waits for its count in the database. A route's own onRequest hooks
 * run after the scope's (the caller is known by then) and in the same hook runner: a preHandler would cost every
 * call a runner of its own, and reading the route's name from the request builds an object (routeOptions).
 * Counting in onRequest counts a call the route then refuses (a body that fails validation): it is still a call.
 */
export function injectFaults(scope: FastifyInstance, faults: FaultSnapshot): void {
  scope.decorateRequest('fault', null);

  scope.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.every((method) => method === 'HEAD')) return;
    const name = `${methods.join(',')} ${route.url}`;
    if (!FAULT_ROUTES.includes(name)) throw new Error(`the route ${name} is missing from FAULT_ROUTES (domain/fault-rule.ts)`);
    const own = route.onRequest === undefined ? [] : [route.onRequest].flat();
    route.onRequest = [checkFaults(name), ...own];
  });

  function checkFaults(name: string): onRequestHookHandler {
    return (request, reply, done) => {
      const rules = faults.rulesFor(request.caller.clientId, name);
      if (rules === undefined) return done();
      faults.hit(request.caller.clientId, name, rules).then((rule) => {
        if (rule?.kind === 'error-before') return void sendError(request, reply, 'INTERNAL');
        request.fault = rule ?? null;
        done();
      }, done);
    };
  }

  scope.addHook('onSend', (request, reply, payload, done) => {
    const fault = request.fault;
    if (fault === null) return done(null, payload);
    afterTheWork(fault, request, reply, payload, done);
  });
}

/** The work is done and its answer is ready: hold it back, replace it, or never send it. */
function afterTheWork(fault: FaultRule, request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: Error | null, payload: unknown) => void): void {
  switch (fault.kind) {
    case 'late':
      setTimeout(() => done(null, payload), fault.delayMs);
      return;
    case 'error-after':
      done(null, replaceWithError(request, reply, 'INTERNAL'));
      return;
    case 'drop-after':
      // The connection goes without an answer, as when a balancer or the network loses it.
      request.raw.socket.destroy();
      done(null, payload);
      return;
    default:
      // error-before answered before the work (checkFaults) and never comes here.
      done(null, payload);
  }
}

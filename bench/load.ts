/**
 * The two loads, both driven by autocannon over keep-alive connections at a fixed concurrency:
 * (a) one GET repeated (polling), (b) complete payment flows as autocannon request sequences.
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { AMOUNT, PHONE, initiateBody, unique, v10Headers, type Pos } from './api.js';

export interface LoadSettings {
  connections: number;
  durationS: number;
  warmupS: number;
}

export interface PollResult {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** (a) GET `path` on `base` with `headers`: a warm-up run (discarded), then the measured run. */
export async function poll(base: string, path: string, headers: Record<string, string>, settings: LoadSettings): Promise<PollResult> {
  const options = { url: `${base}${path}`, headers, connections: settings.connections };
  if (settings.warmupS > 0) await autocannon({ ...options, duration: settings.warmupS });
  const result = await autocannon({ ...options, duration: settings.durationS });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

const STEPS = ['initiate', 'checkin', 'accept', 'capture'] as const;
type Step = (typeof STEPS)[number];

export interface FlowResult {
  flowsPerS: number;
  completed: number;
  /** Flow latency, ms. */
  p50: number;
  p99: number;
  /** Flows that got an error answer, plus connection errors and timeouts. */
  failures: number;
  /** Why flows failed: "step status body", counted. */
  failureReasons: Map<string, number>;
  /** Latency of each step, ms. */
  steps: Record<Step, { p50: number; p99: number }>;
}

/** What a connection knows about the flow it is running; autocannon resets it when the sequence restarts. */
interface FlowContext {
  pos?: Pos;
  paymentId?: string;
  failed?: boolean;
  flowStart?: number;
  stepStart?: number;
}

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!);
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

/**
 * (b): every connection loops initiate → check-in → accept → capture on a PoS it takes from `pool` (a PoS
 * has at most one active payment, so two connections never share one). A failed step ends the flow: the next
 * setupRequest answers null and autocannon restarts the sequence on a fresh context. A PoS whose flow failed
 * stays out of the pool, its payment may still be active.
 *
 * Warm-up and measurement are one autocannon run, and only flows started after the warm-up are measured:
 * a Node server saturated with work accepts new connections slowly (about one per event-loop turn, ~20 ms
 * here), so on connections opened for a fresh run the first initiates wait up to a second in the accept queue
 * and would be the p99. Failures are counted over the whole run.
 */
export async function flows(base: string, token: string, pool: Pos[], settings: LoadSettings): Promise<FlowResult> {
  const free = [...pool];
  let spare = 0;
  const measureFrom = performance.now() + settings.warmupS * 1000;
  let completed = 0;
  const flowLatencies: number[] = [];
  const stepLatencies = Object.fromEntries(STEPS.map((s) => [s, [] as number[]])) as Record<Step, number[]>;
  const failureReasons = new Map<string, number>();
  let failures = 0;

  const begin = (ctx: FlowContext) => {
    ctx.stepStart = performance.now();
  };
  /** Records a step's answer; false (and the flow marked failed) on an error answer. */
  const answered = (step: Step, status: number, body: string, ctx: FlowContext): boolean => {
    if (ctx.stepStart! >= measureFrom) stepLatencies[step].push(performance.now() - ctx.stepStart!);
    if (status === 200) return true;
    ctx.failed = true;
    failures++;
    const reason = `${step} ${status} ${body.slice(0, 120)}`;
    failureReasons.set(reason, (failureReasons.get(reason) ?? 0) + 1);
    return false;
  };
  const json = (body: unknown) => JSON.stringify(body);

  const requests: autocannon.Request[] = [
    {
      method: 'POST',
      path: '/pos/v10/payments',
      setupRequest: (request, context) => {
        const ctx = context as FlowContext;
        // An empty pool only happens after many failures; reuse a PoS then (its initiate fails, and counts).
        ctx.pos = free.shift() ?? pool[spare++ % pool.length]!;
        ctx.flowStart = performance.now();
        begin(ctx);
        request.headers = { ...request.headers, 'x-mobilepay-idempotency-key': unique('flow') };
        request.body = json(initiateBody(ctx.pos));
        return request;
      },
      onResponse: (status, body, context) => {
        const ctx = context as FlowContext;
        if (answered('initiate', status, body, ctx)) ctx.paymentId = (JSON.parse(body) as { paymentId: string }).paymentId;
      },
    },
    ...(['checkin', 'accept'] as const).map(
      (step): autocannon.Request => ({
        method: 'POST',
        path: `/pos/app/usersimulation/${step === 'checkin' ? 'checkin' : 'acceptpayment'}`,
        setupRequest: (request, context) => {
          const ctx = context as FlowContext;
          if (ctx.failed) return null;
          begin(ctx);
          request.body = json({ beaconId: ctx.pos!.beaconId, phoneNumber: PHONE });
          return request;
        },
        onResponse: (status, body, context) => void answered(step, status, body, context as FlowContext),
      }),
    ),
    {
      method: 'POST',
      setupRequest: (request, context) => {
        const ctx = context as FlowContext;
        if (ctx.failed) return null;
        begin(ctx);
        request.path = `/pos/v10/payments/${ctx.paymentId}/capture`;
        request.body = json({ amount: AMOUNT });
        return request;
      },
      onResponse: (status, body, context) => {
        const ctx = context as FlowContext;
        if (!answered('capture', status, body, ctx)) return;
        if (performance.now() >= measureFrom) completed++;
        if (ctx.flowStart! >= measureFrom) flowLatencies.push(performance.now() - ctx.flowStart!);
        free.push(ctx.pos!); // captured: the PoS has no active payment any more
      },
    },
  ];

  // The user simulation needs only the bearer token; the v10 headers are sent on every step all the same
  // (a real client sends them, and they cost the same header parsing).
  const result = await autocannon({
    url: base,
    connections: settings.connections,
    duration: settings.warmupS + settings.durationS,
    headers: v10Headers(token),
    requests,
  });
  return {
    flowsPerS: completed / (result.duration - settings.warmupS),
    completed,
    ...summary(flowLatencies),
    failures: failures + result.errors + result.timeouts,
    failureReasons,
    steps: Object.fromEntries(STEPS.map((s) => [s, summary(stepLatencies[s])])) as FlowResult['steps'],
  };
}

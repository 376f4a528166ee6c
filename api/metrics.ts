/**
 * Prometheus metrics (prom-client), one registry per server: request counts and latencies
 * by route pattern (never the raw URL, which can carry ids), plan durations by kind and
 * outcome, and write-back calls by operation and outcome. No personal data in any label.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ServicesPort } from '../src/pipeline/ports.ts';
import { ServicesCallError } from '../src/pipeline/ports.ts';

export interface ApiMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  planDuration: Histogram<'kind' | 'outcome'>;
  writeBackCalls: Counter<'operation' | 'outcome'>;
  solverTasks: Gauge<'state'>;
}

/**
 * `sellerLabel`: the server serves several sellers, and request, plan and write-back metrics
 * carry a `seller` label (see sellerMetrics).
 */
export function createMetrics(options: { defaultMetrics?: boolean; sellerLabel?: boolean } = {}): ApiMetrics {
  const registry = new Registry();
  const seller = options.sellerLabel === true ? (['seller'] as const) : ([] as const);
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'fieldplan_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'fieldplan_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status', ...seller],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'fieldplan_http_request_duration_seconds',
      help: 'HTTP request latency by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    planDuration: new Histogram({
      name: 'fieldplan_plan_duration_seconds',
      help: 'Planning runs (nightly, optimize-today) by kind and outcome',
      labelNames: ['kind', 'outcome', ...seller],
      buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800],
      registers: [registry],
    }),
    writeBackCalls: new Counter({
      name: 'fieldplan_write_back_calls_total',
      help: 'Services write calls by operation and outcome (ok, refused, throttled, server-error, network)',
      labelNames: ['operation', 'outcome', ...seller],
      registers: [registry],
    }),
    solverTasks: new Gauge({
      name: 'fieldplan_solver_tasks',
      help: 'Solver pool tasks by state (running, queued)',
      labelNames: ['state'],
      registers: [registry],
    }),
  };
}

/**
 * One seller's view of metrics made with `sellerLabel`: plan and write-back observations
 * carry `seller="<id>"` (seller ids are not personal data).
 */
export function sellerMetrics(metrics: ApiMetrics, sellerId: string): ApiMetrics {
  const planDuration = Object.create(metrics.planDuration) as ApiMetrics['planDuration'];
  planDuration.observe = ((labels: Record<string, string>, value: number) =>
    metrics.planDuration.observe({ ...labels, seller: sellerId } as never, value)) as never;
  const writeBackCalls = Object.create(metrics.writeBackCalls) as ApiMetrics['writeBackCalls'];
  writeBackCalls.inc = ((labels: Record<string, string>, value?: number) =>
    metrics.writeBackCalls.inc({ ...labels, seller: sellerId } as never, value)) as never;
  return { ...metrics, planDuration, writeBackCalls };
}

function outcomeOf(err: unknown): string {
  if (!(err instanceof ServicesCallError)) return 'error';
  if (err.status === undefined) return 'network';
  if (err.status === 429) return 'throttled';
  if (err.status >= 500) return 'server-error';
  return 'refused';
}

const WRITES = [
  'addAppointment',
  'rescheduleAppointment',
  'assignAppointmentResources',
  'updateSchedule',
  'createReservation',
  'updateReservation',
  'cancelReservation',
] as const;

/** The Services port with every write call counted by operation and outcome. */
export function instrumentServices(services: ServicesPort, metrics: ApiMetrics): ServicesPort {
  const out: ServicesPort = Object.create(services) as ServicesPort;
  for (const name of WRITES) {
    const original = services[name].bind(services) as (...args: unknown[]) => Promise<unknown>;
    (out as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      try {
        const r = await original(...args);
        metrics.writeBackCalls.inc({ operation: name, outcome: 'ok' });
        return r;
      } catch (err) {
        metrics.writeBackCalls.inc({ operation: name, outcome: outcomeOf(err) });
        throw err;
      }
    };
  }
  return out;
}

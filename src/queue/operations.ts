/**
 * Operating queue mode: queue depths and partitions per seller as Prometheus gauges on the
 * server's registry (read when `/metrics` is scraped), and the BullMQ dashboard (bull-board)
 * for admins at `/admin/queues`.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import type { QueueClient } from './client.ts';

export const DASHBOARD_PATH = '/admin/queues';

export function registerQueueMetrics(registry: Registry, queue: QueueClient): void {
  new Gauge({
    name: 'fieldplan_queue_jobs',
    help: 'Jobs on the partition queue by state (waiting, active, delayed, failed, completed, prioritized, waiting-children)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const depths = await queue.depths().catch(() => undefined);
      if (depths === undefined) return;
      for (const [state, n] of Object.entries(depths)) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'fieldplan_queue_partitions',
    help: 'Partitions by seller and status (queued, running, succeeded, partial, failed)',
    labelNames: ['seller', 'status'],
    registers: [registry],
    async collect() {
      const counts = await queue.state.counts().catch(() => undefined);
      if (counts === undefined) return;
      this.reset();
      for (const c of counts) this.set({ seller: c.sellerId, status: c.status }, c.n);
    },
  });
  new Gauge({
    name: 'fieldplan_queue_partitions_retried',
    help: 'Partitions started more than once (retried after a failure or taken over after a stall), by seller',
    labelNames: ['seller'],
    registers: [registry],
    async collect() {
      const counts = await queue.state.counts().catch(() => undefined);
      if (counts === undefined) return;
      this.reset();
      const by = new Map<string, number>();
      for (const c of counts) by.set(c.sellerId, (by.get(c.sellerId) ?? 0) + c.retried);
      for (const [seller, n] of by) this.set({ seller }, n);
    },
  });
}

/** The dashboard, behind the admin scope (the check runs on every one of its routes). */
export async function registerQueueDashboard(
  app: FastifyInstance,
  queue: QueueClient,
  adminOnly: onRequestAsyncHookHandler,
): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  createBullBoard({ queues: [new BullMQAdapter(queue.queue)], serverAdapter });
  serverAdapter.setBasePath(DASHBOARD_PATH);
  await app.register(
    async (scoped) => {
      scoped.addHook('onRequest', adminOnly);
      // bull-board's routes carry their own JSON schemas, not the API's zod ones.
      scoped.setValidatorCompiler(() => () => true);
      scoped.setSerializerCompiler(() => (data) => JSON.stringify(data));
      await scoped.register(serverAdapter.registerPlugin() as never);
    },
    { prefix: DASHBOARD_PATH },
  );
}

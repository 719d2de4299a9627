import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { register } from 'prom-client';

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** Named probes of what a process needs to do its work (database, broker); each resolves true when fine. */
export type ReadinessChecks = Record<string, () => Promise<boolean>>;

const PROBE_TIMEOUT_MS = 2_000;

/** What every Grove process needs to work: its database answering and its broker connected. */
export const databaseAndBroker = (
  db: { query(text: string): Promise<unknown> },
  bus: { isConnected(): boolean },
): ReadinessChecks => ({
  database: async () => ((await db.query('SELECT 1')) as unknown[]).length === 1,
  broker: async () => bus.isConnected(),
});

async function probe(check: () => Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS)));
  try {
    return await Promise.race([check().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Every Grove process answers these: `/healthz` (the process is up), `/readyz` (it can reach
 * what it needs; 503 otherwise, naming what failed) and `/metrics` (Prometheus text format).
 */
@Controller()
export class OpsController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessChecks) {}

  @Get('healthz')
  health() {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(@Res() res: Response): Promise<void> {
    const names = Object.keys(this.checks);
    const results = await Promise.all(names.map((n) => probe(this.checks[n])));
    const status = Object.fromEntries(names.map((n, i) => [n, results[i] ? 'ok' : 'unreachable']));
    res
      .status(results.every(Boolean) ? 200 : 503)
      .json({ status: results.every(Boolean) ? 'ok' : 'unavailable', checks: status });
  }

  @Get('metrics')
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}

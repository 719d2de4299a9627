import { Counter, Gauge, Histogram, register } from 'prom-client';

/**
 * Prometheus metrics live in the process-wide registry. All-in-one mode and tests build several
 * modules in one process, so each constructor returns the metric already registered under its name.
 */
export function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return (register.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames });
}

export function histogram<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets: number[],
): Histogram<L> {
  return (
    (register.getSingleMetric(name) as Histogram<L> | undefined) ?? new Histogram({ name, help, labelNames, buckets })
  );
}

/** A gauge read at scrape time; `collect` may be async (queue depth, live engines). */
export function gauge(name: string, help: string, collect: () => Promise<number | null> | number | null): Gauge {
  // The newest collector wins: in all-in-one mode the last module to start reports for the process.
  if (register.getSingleMetric(name)) register.removeSingleMetric(name);
  return new Gauge({
    name,
    help,
    async collect() {
      const v = await collect();
      if (v !== null) this.set(v);
    },
  });
}

export const metricsRegistry = register;

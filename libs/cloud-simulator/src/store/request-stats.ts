/** Request counts of the cloud APIs (`GET /admin/stats`), for tests and benchmarks. */
export interface RequestStats {
  total: number;
  /** `METHOD /route/template` → count, e.g. `POST /:region/compute/v2.1/servers`. */
  by_route: Record<string, number>;
  by_service: Record<string, number>;
  by_status: Record<string, number>;
  /** Requests answered with an error by failure_rate or fail-next. */
  injected_failures: number;
  since: string;
}

export class RequestCounters {
  private total = 0;
  private injected = 0;
  private readonly routes = new Map<string, number>();
  private readonly services = new Map<string, number>();
  private readonly statuses = new Map<number, number>();
  private since = new Date();

  record(route: string, service: string, status: number): void {
    this.total += 1;
    this.routes.set(route, (this.routes.get(route) ?? 0) + 1);
    this.services.set(service, (this.services.get(service) ?? 0) + 1);
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  recordInjectedFailure(): void {
    this.injected += 1;
  }

  snapshot(): RequestStats {
    return {
      total: this.total,
      by_route: Object.fromEntries([...this.routes].sort(([a], [b]) => a.localeCompare(b))),
      by_service: Object.fromEntries(this.services),
      by_status: Object.fromEntries([...this.statuses].map(([k, v]) => [String(k), v])),
      injected_failures: this.injected,
      since: this.since.toISOString(),
    };
  }

  reset(): void {
    this.total = 0;
    this.injected = 0;
    this.routes.clear();
    this.services.clear();
    this.statuses.clear();
    this.since = new Date();
  }
}

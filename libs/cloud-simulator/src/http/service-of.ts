import type { ServiceName } from './api-error';

const REGION_SERVICES: Record<string, ServiceName> = {
  compute: 'compute',
  image: 'image',
  network: 'network',
  orchestration: 'orchestration',
  'load-balancer': 'load-balancer',
};

/** Which API a path on the OpenStack port belongs to: `/identity/…`, `/admin/…` or `/<region>/<service>/…`. */
export function serviceOfPath(path: string): ServiceName {
  const second = path.indexOf('/', 1);
  const first = second < 0 ? path.slice(1) : path.slice(1, second);
  if (first === 'admin') return 'admin';
  if (first === 'identity' || second < 0) return 'identity';
  const third = path.indexOf('/', second + 1);
  const svc = third < 0 ? path.slice(second + 1) : path.slice(second + 1, third);
  return REGION_SERVICES[svc] ?? 'identity';
}

import 'reflect-metadata';
import { ApiConfig, CloudAuthError, loadConfigOrExit } from '@grove/core';
import { JsonHttp, KeystoneDriver } from '@grove/drivers';
import { keystoneServiceUser } from './http/token-auth';

/**
 * `npm run register-endpoint`: puts Grove in Keystone's catalog as service type `clustering`
 * (name `grove`) with a public, internal and admin endpoint at API_PUBLIC_URL in
 * KEYSTONE_REGION_NAME, as an operator would with `openstack service create` and `openstack
 * endpoint create`; then openstacksdk, the CLI and Heat find Grove from a token. It uses the
 * KEYSTONE_* service user, which needs the admin role. Run again, it changes only what differs.
 */
const INTERFACES = ['public', 'internal', 'admin'] as const;

interface Service {
  id: string;
  type: string;
  name?: string;
}
interface Endpoint {
  id: string;
  interface: string;
  region_id: string | null;
  url: string;
}

export async function registerEndpoint(cfg: ApiConfig, say: (line: string) => void): Promise<void> {
  if (!cfg.KEYSTONE_AUTH_URL || !cfg.KEYSTONE_USERNAME || !cfg.KEYSTONE_PASSWORD)
    throw new Error('KEYSTONE_AUTH_URL, KEYSTONE_USERNAME and KEYSTONE_PASSWORD must be set');
  if (!cfg.API_PUBLIC_URL) throw new Error('API_PUBLIC_URL must be set: it is the address the catalog will give');
  const base = cfg.KEYSTONE_AUTH_URL.replace(/\/+$/, '');
  const http = new JsonHttp({ service: 'Keystone', timeoutMs: 30_000, retries: 2, maxConnections: 4 });
  try {
    const keystone = new KeystoneDriver({ ...keystoneServiceUser(cfg), authUrl: base }, http);
    const headers = { 'X-Auth-Token': (await keystone.token()).token.reveal() };
    const call = async <T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) =>
      (await http.request<T>({ method, url: `${base}${path}`, headers, body })).body;

    const { services } = await call<{ services: Service[] }>('GET', '/services?type=clustering');
    let service = services[0];
    if (!service) {
      ({ service } = await call<{ service: Service }>('POST', '/services', {
        service: { type: 'clustering', name: 'grove', description: 'Grove clustering service', enabled: true },
      }));
      say(`service clustering created (${service.id})`);
    } else say(`service clustering exists (${service.id})`);

    const region = cfg.KEYSTONE_REGION_NAME;
    const { endpoints } = await call<{ endpoints: Endpoint[] }>('GET', `/endpoints?service_id=${service.id}`);
    for (const iface of INTERFACES) {
      const known = endpoints.find((e) => e.interface === iface && e.region_id === region);
      if (!known) {
        await call('POST', '/endpoints', {
          endpoint: {
            service_id: service.id,
            interface: iface,
            region_id: region,
            url: cfg.API_PUBLIC_URL,
            enabled: true,
          },
        });
        say(`${iface} endpoint in ${region} created: ${cfg.API_PUBLIC_URL}`);
      } else if (known.url !== cfg.API_PUBLIC_URL) {
        await call('PATCH', `/endpoints/${known.id}`, { endpoint: { url: cfg.API_PUBLIC_URL } });
        say(`${iface} endpoint in ${region} moved: ${known.url} → ${cfg.API_PUBLIC_URL}`);
      } else say(`${iface} endpoint in ${region} is ${known.url} already`);
    }
  } finally {
    await http.close();
  }
}

if (require.main === module) {
  const cfg = loadConfigOrExit(ApiConfig);
  registerEndpoint(cfg, (line) => process.stdout.write(`${line}\n`)).catch((e: unknown) => {
    const why = e instanceof CloudAuthError || e instanceof Error ? e.message : String(e);
    process.stderr.write(`register-endpoint failed: ${why}\n`);
    process.exit(1);
  });
}

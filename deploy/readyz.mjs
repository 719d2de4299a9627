// The image's healthcheck: healthy while this container's Grove process answers /readyz with a
// 2xx. The api serves it on API_PORT; engines and health-managers on OPS_PORT, so their
// containers set READYZ_URL (compose.yaml does).
const url = process.env.READYZ_URL ?? `http://127.0.0.1:${process.env.API_PORT ?? '8777'}/readyz`;
fetch(url, { signal: AbortSignal.timeout(2_500) }).then(
  (r) => process.exit(r.ok ? 0 : 1),
  () => process.exit(1),
);

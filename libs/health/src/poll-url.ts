import { Agent, request } from 'undici';
import type { Verdict } from './health-decisions';

/** A NODE_STATUS_POLL_URL mode's options, as the registration carries them (Senlin's names). */
export interface PollUrlMode {
  poll_url: string;
  poll_url_ssl_verify: boolean;
  poll_url_conn_error_as_unhealthy: boolean;
  poll_url_healthy_response: string;
  poll_url_retry_limit: number;
  poll_url_retry_interval: number;
}

/** One poll may take this long, and read this much of the answer; the rest is not looked at. */
const POLL_TIMEOUT_MS = 5_000;
const MAX_BODY_BYTES = 64 * 1024;
/** A node name may steer a URL's host only as a DNS label would (no dots, no @, no colon). */
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

const verifying = new Agent({ headersTimeout: POLL_TIMEOUT_MS, bodyTimeout: POLL_TIMEOUT_MS, connections: 64 });
const notVerifying = new Agent({
  headersTimeout: POLL_TIMEOUT_MS,
  bodyTimeout: POLL_TIMEOUT_MS,
  connections: 64,
  connect: { rejectUnauthorized: false },
});

/**
 * The URL to poll for a node: `{nodename}` replaced by the node's name. The name cannot steer the
 * request elsewhere: in the host it must be a plain DNS label, anywhere else it is percent-encoded,
 * and the result must keep the template's scheme, port and host (with the name in it). Null when
 * the template is not an http(s) URL or the name does not fit.
 */
export function pollUrlFor(template: string, nodeName: string): URL | null {
  let shape: URL;
  try {
    shape = new URL(template.replaceAll('{nodename}', 'nodename'));
  } catch {
    return null;
  }
  if (shape.protocol !== 'http:' && shape.protocol !== 'https:') return null;
  const inHost = (() => {
    const i = template.indexOf('://');
    const authorityEnd = template.slice(i + 3).search(/[/?#]|$/);
    return template.slice(i + 3, i + 3 + authorityEnd).includes('{nodename}');
  })();
  if (inHost && !HOST_LABEL.test(nodeName)) return null;
  const expanded = template.replaceAll('{nodename}', inHost ? nodeName : encodeURIComponent(nodeName));
  let url: URL;
  try {
    url = new URL(expanded);
  } catch {
    return null;
  }
  const host = shape.host.replaceAll('nodename', inHost ? nodeName.toLowerCase() : 'nodename');
  if (url.protocol !== shape.protocol || url.host !== host) return null;
  return url;
}

/** What one GET of the URL found: its body (bounded), or that it could not connect or answer. */
async function fetchOnce(
  url: URL,
  verify: boolean,
  signal: AbortSignal,
): Promise<{ body: string } | { error: string }> {
  try {
    // undici's request follows no redirect: a node's answer cannot send the poll elsewhere.
    const res = await request(url, { method: 'GET', dispatcher: verify ? verifying : notVerifying, signal });
    let body = '';
    for await (const chunk of res.body) {
      body += (chunk as Buffer).toString('utf8');
      if (body.length >= MAX_BODY_BYTES) {
        res.body.destroy();
        break;
      }
    }
    return { body: body.slice(0, MAX_BODY_BYTES) };
  } catch (e) {
    if (signal.aborted) throw e;
    return { error: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
  }
}

/**
 * Senlin's poll of a node's URL: healthy as soon as an answer matches `poll_url_healthy_response`
 * (a regular expression); after `poll_url_retry_limit` answers that do not match, with
 * `poll_url_retry_interval` seconds between them, failed. A connection that cannot be made counts
 * as failed only with `poll_url_conn_error_as_unhealthy`, and otherwise as healthy, as in Senlin.
 */
export async function pollNode(mode: PollUrlMode, nodeName: string, signal: AbortSignal): Promise<Verdict> {
  const url = pollUrlFor(mode.poll_url, nodeName);
  if (!url) return { failed: true, reason: `the poll URL for node '${nodeName}' is not one Grove may call` };
  let pattern: RegExp;
  try {
    pattern = new RegExp(mode.poll_url_healthy_response);
  } catch {
    return null;
  }
  const attempts = Math.max(mode.poll_url_retry_limit, 1);
  let last = '';
  for (let i = 1; i <= attempts; i++) {
    const got = await fetchOnce(url, mode.poll_url_ssl_verify, signal);
    if ('body' in got) {
      if (pattern.test(got.body)) return { failed: false };
      last = `the answer of ${url.host}${url.pathname} does not match '${mode.poll_url_healthy_response}'`;
    } else {
      if (!mode.poll_url_conn_error_as_unhealthy) return { failed: false };
      last = `${url.host}${url.pathname} could not be polled: ${got.error}`;
    }
    if (i < attempts) await new Promise((r) => setTimeout(r, mode.poll_url_retry_interval * 1000));
  }
  return { failed: true, reason: last };
}

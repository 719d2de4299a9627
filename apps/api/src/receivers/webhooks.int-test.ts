import { randomUUID } from 'node:crypto';
import { ClusterLockEntity } from '@grove/db';
import { freshProject, make } from '@grove/testing';
import { useGrove, type HttpAnswer } from '../testing/grove-harness';
import { expectAccepted, expectFault } from '../testing/senlin-answers';
import { signature } from './webhook-signature';
import { WebhooksService } from './webhooks.service';

/**
 * `POST /v1/webhooks/{id}/trigger`: Senlin's trigger (no token, params merged per microversion,
 * the cluster action API's 409s) and Grove's signed and idempotent triggers.
 */
const h = useGrove();
const ds = () => h.grove.dataSource;
const SECRET = 'a-secret-of-some-length';

interface Hook {
  project: string;
  clusterId: string;
  receiverId: string;
  url: string;
}

/** A cluster of `u1` in a project of its own, and a webhook on it. */
async function hook(
  o: { action?: string; params?: Record<string, unknown>; secret?: string; cluster?: Record<string, unknown> } = {},
): Promise<Hook> {
  const project = freshProject();
  const cluster = await make.cluster(ds(), { project, userId: 'u1', ...o.cluster });
  const a = await h.http<{ receiver: { id: string; channel: { alarm_url: string } } }>('POST', '/v1/receivers', {
    project,
    headers: { 'x-user-id': 'u1' },
    version: o.secret ? '1.15' : undefined,
    body: {
      receiver: {
        name: 'hook',
        type: 'webhook',
        cluster_id: cluster.id,
        action: o.action ?? 'CLUSTER_SCALE_OUT',
        params: o.params ?? {},
        ...(o.secret ? { secret: o.secret } : {}),
      },
    },
  });
  expect(a.status).toBe(201);
  return { project, clusterId: cluster.id, receiverId: a.body.receiver.id, url: a.body.receiver.channel.alarm_url };
}

/** POSTs to a webhook URL exactly as given, with nothing but what is asked for. */
async function post(
  url: string,
  o: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<HttpAnswer<Record<string, unknown>>> {
  const raw = o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...(raw !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers },
    body: raw,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

/** A signed trigger: the headers a signing client sends, overridable to test what is refused. */
function signed(
  hk: Hook,
  body: unknown,
  o: { ts?: number; skewS?: number; sig?: string; key?: string; secret?: string } = {},
) {
  const raw = JSON.stringify(body);
  const ts = String(o.ts ?? Math.floor(Date.now() / 1000) + (o.skewS ?? 0));
  return post(hk.url, {
    raw,
    headers: {
      'x-grove-timestamp': ts,
      'x-grove-signature': o.sig ?? signature(o.secret ?? SECRET, ts, raw),
      ...(o.key ? { 'idempotency-key': o.key } : {}),
    },
  });
}

async function actionOf(hk: Hook, id: string): Promise<Record<string, unknown>> {
  const a = await h.http<{ action: Record<string, unknown> }>('GET', `/v1/actions/${id}`, { project: hk.project });
  expect(a.status).toBe(200);
  return a.body.action;
}

/** The actions a receiver's triggers made, from the database. */
async function actionsMade(hk: Hook): Promise<string[]> {
  const rows: { id: string }[] = await ds().query(`SELECT id FROM action WHERE name = $1 AND target = $2`, [
    `webhook_${hk.receiverId.slice(0, 8)}`,
    hk.clusterId,
  ]);
  return rows.map((r) => r.id);
}

/** Leaves the cluster free for the next trigger: the last action's end. */
const settle = (hk: Hook, id: string) => h.waitForAction(id, { project: hk.project, timeoutMs: 30_000 });

describe('triggering a webhook', () => {
  it('needs no token or identity: the alarm_url as given answers 202 with the action and its Location', async () => {
    const hk = await hook({ params: { count: 1 } });
    const a = await post(hk.url);
    const id = expectAccepted(a);
    expect(a.headers.get('location')).toBe(`${h.url}/v1/actions/${id}`);
    expect(await actionOf(hk, id)).toMatchObject({
      name: `webhook_${hk.receiverId.slice(0, 8)}`,
      action: 'CLUSTER_SCALE_OUT',
      target: hk.clusterId,
      cause: 'RPC Request',
      inputs: { count: 1 },
      user: 'u1',
      project: hk.project,
    });
  });

  it('takes a trigger whose body is not JSON, ignoring that body, as Senlin does (the URL is all it needs)', async () => {
    const hk = await hook({ params: { count: 1 } });
    const a = await post(hk.url, { raw: 'alarm fired', headers: { 'content-type': 'text/plain' } });
    const id = expectAccepted(a);
    expect(await actionOf(hk, id)).toMatchObject({ action: 'CLUSTER_SCALE_OUT', inputs: { count: 1 } });
  });

  it('finds the receiver by name or short id too, in any project', async () => {
    const hk = await hook({ action: 'CLUSTER_CHECK' });
    const a = await post(`${h.url}/v1/webhooks/${hk.receiverId.slice(0, 8)}/trigger?V=2`);
    expectAccepted(a);
  });

  it.each([
    ['no V at all', ''],
    ['an empty V', '?V='],
    ['only other parameters', '?count=1'],
  ])('refuses %s', async (_what, query) => {
    const hk = await hook();
    expectFault(
      await post(`${h.url}/v1/webhooks/${hk.receiverId}/trigger${query}`),
      400,
      'HTTPBadRequest',
      'V query parameter is required in webhook trigger URL',
    );
  });

  it('answers 404 for a receiver that does not exist', async () => {
    const id = randomUUID();
    expectFault(
      await post(`${h.url}/v1/webhooks/${id}/trigger?V=2`),
      404,
      'ResourceNotFound',
      `The receiver '${id}' could not be found.`,
    );
  });

  it('refuses a receiver whose cluster is gone', async () => {
    const hk = await hook();
    await ds().query(`DELETE FROM cluster WHERE id = $1`, [hk.clusterId]);
    expectFault(await post(hk.url), 400, 'BadRequest', `The referenced cluster '${hk.clusterId}' could not be found.`);
  });
});

describe('what a trigger adds to the receiver’s params', () => {
  const inputsAfter = async (a: HttpAnswer<Record<string, unknown>>, hk: Hook) =>
    (await actionOf(hk, expectAccepted(a))).inputs;

  it.each([
    ['no body: the receiver’s params', undefined, undefined, '2', { count: 1 }],
    ['V=2 before 1.10: the whole body, over the params', { count: 3 }, undefined, '2', { count: 3 }],
    ['V=1 before 1.10: the body’s params', { params: { count: 4 } }, undefined, '1', { count: 4 }],
    ['V=1 from 1.10: the whole body', { count: 5 }, '1.10', '1', { count: 5 }],
    ['an alarm’s own fields: ignored', { alarm_id: 'x', current: 'alarm', count: '2' }, undefined, '2', { count: 2 }],
    ['an empty map: nothing', {}, '1.15', '2', { count: 1 }],
  ])('%s', async (_what, body, version, v, inputs) => {
    const hk = await hook({ params: { count: 1 } });
    const a = await post(`${h.url}/v1/webhooks/${hk.receiverId}/trigger?V=${v}`, {
      body,
      headers: version ? { 'openstack-api-version': `clustering ${version}` } : {},
    });
    expect(await inputsAfter(a, hk)).toEqual(inputs);
  });

  it.each([
    [
      'V=1 with keys besides params',
      '1',
      { count: 3 },
      "Additional properties are not allowed ('count' was unexpected)",
    ],
    ['a body that is a list', '2', [1, 2], "[1, 2] is not of type 'object', 'null'"],
    ['V=1 params that are a list', '1', { params: [1] }, "[1] is not of type 'object', 'null'"],
    ['a count that is no integer', '2', { count: 'bad' }, "The value for count must be an integer: 'bad'."],
    ['a negative count', '2', { count: -1 }, "Value must be >= 0 for field 'count'."],
  ])('refuses %s', async (_what, v, body, message) => {
    const hk = await hook({ params: { count: 1 } });
    expectFault(
      await post(`${h.url}/v1/webhooks/${hk.receiverId}/trigger?V=${v}`, { body }),
      400,
      'HTTPBadRequest',
      message,
    );
    expect(await actionsMade(hk)).toEqual([]);
  });

  it("checks the receiver's action as the cluster action API checks it", async () => {
    const hk = await hook({ params: { count: 0 } });
    expectFault(await post(hk.url), 400, 'BadRequest', 'Count for scale-out request cannot be 0.');
    const resize = await hook({ action: 'CLUSTER_RESIZE', params: { max_size: 2 } });
    expect(await actionOf(resize, expectAccepted(await post(resize.url)))).toMatchObject({
      action: 'CLUSTER_RESIZE',
      inputs: { max_size: 2, strict: true, adjustment_type: null },
    });
  });
});

describe('conflicts', () => {
  it('answers 409 ResourceIsLocked while an action holds the cluster', async () => {
    const hk = await hook();
    const holder = await make.action(ds(), {
      project: hk.project,
      target: hk.clusterId,
      clusterId: hk.clusterId,
      action: 'CLUSTER_RESIZE',
      status: 'WAITING_LIFECYCLE_COMPLETION',
    });
    await ds().manager.insert(ClusterLockEntity, { clusterId: hk.clusterId, actionIds: [holder.id], semaphore: -1 });
    expectFault(
      await post(hk.url),
      409,
      'ResourceIsLocked',
      `CLUSTER_SCALE_OUT for cluster '${hk.clusterId}' cannot be completed because it is already locked.`,
    );
  });

  it('answers 409 ActionConflict while another action waits on the cluster', async () => {
    const hk = await hook({ action: 'CLUSTER_SCALE_IN' });
    const other = await make.action(ds(), {
      project: hk.project,
      target: hk.clusterId,
      clusterId: hk.clusterId,
      action: 'CLUSTER_CHECK',
      status: 'WAITING_LIFECYCLE_COMPLETION',
    });
    expectFault(
      await post(hk.url),
      409,
      'ActionConflict',
      `The CLUSTER_SCALE_IN action for target ${hk.clusterId} conflicts with the following action(s): ${other.id}`,
    );
  });

  it("answers 409 ActionCooldown during a scaling policy's cooldown", async () => {
    const hk = await hook();
    const policyId = randomUUID();
    await ds().query(
      `INSERT INTO policy (id, name, type, spec, user_id, project) VALUES ($1, 'sp', 'senlin.policy.scaling-1.0', $2, 'u1', $3)`,
      [
        policyId,
        JSON.stringify({
          type: 'senlin.policy.scaling',
          version: '1.0',
          properties: { event: 'CLUSTER_SCALE_OUT', adjustment: { cooldown: 300 } },
        }),
        hk.project,
      ],
    );
    await ds().query(
      `INSERT INTO cluster_policy (id, cluster_id, policy_id, priority, last_op) VALUES ($1, $2, $3, 100, now())`,
      [randomUUID(), hk.clusterId, policyId],
    );
    expectFault(
      await post(hk.url),
      409,
      'ActionCooldown',
      `The CLUSTER_SCALE_OUT action for cluster ${hk.clusterId} cannot be processed due to Policy ${policyId} cooldown still in progress`,
    );
  });
});

describe('signed webhooks (Grove, 1.15)', () => {
  it('take a trigger signed with the secret over the timestamp and the raw body', async () => {
    const hk = await hook({ secret: SECRET, action: 'CLUSTER_CHECK' });
    const id = expectAccepted(await signed(hk, { k: 'v' }));
    expect((await actionOf(hk, id)).inputs).toEqual({ k: 'v' });
  });

  it.each<[string, { skewS?: number; sig?: string; secret?: string }, string]>([
    ['no signature at all', {}, 'This webhook is signed: send X-Grove-Timestamp and X-Grove-Signature.'],
    ['another secret', { secret: 'not-the-secret-at-all' }, 'The X-Grove-Signature does not match the request.'],
    ['a malformed signature', { sig: 'md5=abc' }, 'The X-Grove-Signature does not match the request.'],
    ['a stale timestamp', { skewS: -301 }, 'The X-Grove-Timestamp is not within 300 seconds of now.'],
    ['a future timestamp', { skewS: 302 }, 'The X-Grove-Timestamp is not within 300 seconds of now.'],
  ])('refuse %s with 401', async (_what, o, message) => {
    const hk = await hook({ secret: SECRET });
    const a = Object.keys(o).length ? await signed(hk, { count: 1 }, o) : await post(hk.url, { body: { count: 1 } });
    expectFault(a, 401, 'HTTPUnauthorized', message);
    expect(a.body).toMatchObject({ title: 'Unauthorized' });
    expect(await actionsMade(hk)).toEqual([]);
  });

  it('refuse a body changed after signing', async () => {
    const hk = await hook({ secret: SECRET });
    const ts = String(Math.floor(Date.now() / 1000));
    const a = await post(hk.url, {
      raw: JSON.stringify({ count: 9 }),
      headers: { 'x-grove-timestamp': ts, 'x-grove-signature': signature(SECRET, ts, JSON.stringify({ count: 1 })) },
    });
    expectFault(a, 401, 'HTTPUnauthorized', 'The X-Grove-Signature does not match the request.');
  });

  it('answer a replayed trigger with the first one’s action instead of acting twice', async () => {
    const hk = await hook({ secret: SECRET, action: 'CLUSTER_CHECK' });
    const ts = Math.floor(Date.now() / 1000);
    const first = expectAccepted(await signed(hk, { k: 1 }, { ts }));
    const again = await signed(hk, { k: 1 }, { ts });
    expect(expectAccepted(again)).toBe(first);
    expect(await actionsMade(hk)).toEqual([first]);
  });

  it('keep Senlin’s unsigned behaviour for receivers without a secret, whatever headers come', async () => {
    const hk = await hook({ action: 'CLUSTER_CHECK' });
    expectAccepted(await signed(hk, {}, { sig: 'sha256=nonsense' }));
  });
});

describe('Idempotency-Key (Grove)', () => {
  it('returns the first action, with the same Location, to a retry with the same key', async () => {
    const hk = await hook({ action: 'CLUSTER_CHECK' });
    const first = await post(hk.url, { headers: { 'idempotency-key': 'alarm-1' } });
    const id = expectAccepted(first);
    await settle(hk, id);
    const retry = await post(hk.url, { headers: { 'idempotency-key': 'alarm-1' } });
    expect(expectAccepted(retry)).toBe(id);
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    const other = expectAccepted(await post(hk.url, { headers: { 'idempotency-key': 'alarm-2' } }));
    expect(other).not.toBe(id);
    expect((await actionsMade(hk)).sort()).toEqual([id, other].sort());
  });

  it('makes one action of 20 concurrent triggers with the same key', async () => {
    const hk = await hook({ params: { count: 1 } });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => post(hk.url, { headers: { 'idempotency-key': 'storm' } })),
    );
    const ids = answers.map((a) => expectAccepted(a));
    expect(new Set(ids).size).toBe(1);
    expect(await actionsMade(hk)).toEqual([ids[0]]);
  });

  it('keeps no key of a trigger that was refused, so its retry acts', async () => {
    const hk = await hook({ action: 'CLUSTER_CHECK' });
    const other = await make.action(ds(), {
      project: hk.project,
      target: hk.clusterId,
      clusterId: hk.clusterId,
      action: 'CLUSTER_CHECK',
      status: 'WAITING_LIFECYCLE_COMPLETION',
    });
    expectFault(await post(hk.url, { headers: { 'idempotency-key': 'k' } }), 409, 'ActionConflict');
    await ds().query(`UPDATE action SET status = 'CANCELLED' WHERE id = $1`, [other.id]);
    expect(await actionsMade(hk)).toEqual([]);
    const id = expectAccepted(await post(hk.url, { headers: { 'idempotency-key': 'k' } }));
    expect(await actionsMade(hk)).toEqual([id]);
  });

  it('acts again once the key has expired, and old keys are purged', async () => {
    const hk = await hook({ action: 'CLUSTER_CHECK' });
    const first = expectAccepted(await post(hk.url, { headers: { 'idempotency-key': 'old' } }));
    await settle(hk, first);
    await ds().query(`UPDATE webhook_trigger SET created_at = now() - interval '25 hours' WHERE receiver_id = $1`, [
      hk.receiverId,
    ]);
    const second = expectAccepted(await post(hk.url, { headers: { 'idempotency-key': 'old' } }));
    expect(second).not.toBe(first);
    await settle(hk, second);
    await ds().query(`UPDATE webhook_trigger SET created_at = now() - interval '25 hours' WHERE receiver_id = $1`, [
      hk.receiverId,
    ]);
    expect(await h.grove.app.get(WebhooksService).purge()).toBeGreaterThanOrEqual(1);
    expect(await ds().query(`SELECT 1 FROM webhook_trigger WHERE receiver_id = $1`, [hk.receiverId])).toEqual([]);
  });

  it('refuses a key longer than 200 characters', async () => {
    const hk = await hook();
    expectFault(
      await post(hk.url, { headers: { 'idempotency-key': 'k'.repeat(201) } }),
      400,
      'HTTPBadRequest',
      'The Idempotency-Key header must be 1 to 200 printable ASCII characters.',
    );
  });

  it('works on a signed webhook, whose retries are signed anew', async () => {
    const hk = await hook({ secret: SECRET, action: 'CLUSTER_CHECK' });
    const first = expectAccepted(await signed(hk, { k: 1 }, { key: 'once', skewS: -5 }));
    const retry = expectAccepted(await signed(hk, { k: 1 }, { key: 'once' }));
    expect(retry).toBe(first);
  });
});

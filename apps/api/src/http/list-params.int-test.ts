import { freshProject, make } from '@grove/testing';
import { useGrove } from '../testing/grove-harness';
import { expectFault } from '../testing/senlin-answers';

/** Senlin's list parameters and their messages, for every collection (API.md §1.2; tempest's *_list_negative). */
const h = useGrove();

/** Each collection with a valid sort key of its own. */
const COLLECTIONS = [
  ['clusters', 'name'],
  ['nodes', 'index'],
  ['profiles', 'type'],
  ['actions', 'target'],
  ['events', 'oname'],
] as const;

const list = (path: string, o: { roles?: string; version?: string } = {}) =>
  h.http('GET', path, { project: freshProject(), ...o });

describe.each(COLLECTIONS)('GET /v1/%s', (key, sortKey) => {
  it('refuses a parameter it does not know', async () => {
    // Clusters quote the name; the others do not (Senlin's inconsistency, which tempest checks).
    const message = key === 'clusters' ? "Invalid parameter 'bogus'" : 'Invalid parameter bogus';
    expectFault(await list(`/v1/${key}?bogus=foo`), 400, 'HTTPBadRequest', message);
  });

  it.each([
    ['limit=not-int', "The value for limit must be an integer: 'not-int'."],
    ['limit=1.5', "The value for limit must be an integer: '1.5'."],
    ['limit=-1', "Value must be >= 0 for field 'limit'."],
    ['marker=bad-marker', "The value for marker is not a valid UUID: 'bad-marker'."],
    ['sort=bad-sort', "Unsupported sort key 'bad-sort' for 'sort'."],
    ['sort=toString', "Unsupported sort key 'toString' for 'sort'."],
    [`sort=${sortKey}:up`, "Unsupported sort dir 'up' for 'sort'."],
    [`sort=${sortKey}:asc:desc`, "Unsupported sort dir 'asc:desc' for 'sort'."],
    ['sort=bad:up', "Unsupported sort dir 'up' for 'sort'."],
    [`sort=${sortKey},`, "Missing sort key for 'sort'."],
    ['sort=:asc', "Missing sort key for 'sort'."],
    ['global_project=not-bool', "Invalid value 'not-bool' specified for 'global_project'"],
  ])('refuses ?%s', async (query, message) => {
    expectFault(await list(`/v1/${key}?${query}`), 400, 'HTTPBadRequest', message);
  });

  it('checks every value before refusing global_project to a non-admin', async () => {
    expectFault(
      await list(`/v1/${key}?global_project=true&limit=x`),
      400,
      'HTTPBadRequest',
      "The value for limit must be an integer: 'x'.",
    );
    expectFault(
      await list(`/v1/${key}?global_project=True`),
      403,
      'Forbidden',
      'You are not authorized to complete this operation.',
    );
  });

  it('takes the last of repeated single values, and ignores empty ones', async () => {
    expect((await list(`/v1/${key}?limit=x&limit=2`)).status).toBe(200);
    expect((await list(`/v1/${key}?limit=&marker=&sort=&global_project=`)).status).toBe(200);
  });

  it('takes a valid sort in every direction and limit 0', async () => {
    for (const q of [`sort=${sortKey}`, `sort=${sortKey}:asc`, `sort=${sortKey}:desc,${sortKey}`, 'limit=0']) {
      expect((await list(`/v1/${key}?${q}`)).status).toBe(200);
    }
  });
});

describe('enum filters', () => {
  it.each([
    ['clusters', 'status'],
    ['nodes', 'status'],
    ['actions', 'action'],
    ['actions', 'status'],
    ['events', 'action'],
    ['events', 'level'],
  ])('/v1/%s refuses an unknown %s', async (key, filter) => {
    expectFault(
      await list(`/v1/${key}?${filter}=bad-value`),
      400,
      'HTTPBadRequest',
      'Field value bad-value is invalid',
    );
    // What tempest sends: the value printed as it came, once.
    expectFault(
      await list(`/v1/${key}?${filter}=${encodeURIComponent("['bad-status']")}`),
      400,
      'HTTPBadRequest',
      "Field value ['bad-status'] is invalid",
    );
  });

  it.each([
    ['clusters', 'status=ACTIVE&status=ERROR'],
    ['nodes', 'status=ACTIVE&status=ERROR'],
    ['actions', 'action=CLUSTER_CREATE&action=NODE_DELETE&status=SUCCEEDED&status=FAILED'],
    ['events', 'action=CLUSTER_CREATE&level=INFO&level=ERROR'],
  ])('/v1/%s takes known values, repeated', async (key, query) => {
    expect((await list(`/v1/${key}?${query}`)).status).toBe(200);
  });
});

describe('filters that name a cluster', () => {
  it('/v1/nodes refuses a cluster it cannot find', async () => {
    const a = await list('/v1/nodes?cluster_id=nowhere');
    expectFault(a, 400, 'BadRequest', 'Cannot find the given cluster: nowhere.');
  });

  it('/v1/nodes, /v1/actions and /v1/events find the cluster by name and short id', async () => {
    const project = freshProject();
    const ds = h.grove.dataSource;
    const cluster = await make.cluster(ds, { project });
    const other = await make.cluster(ds, { project });
    const node = await make.node(ds, { project, profileId: cluster.profileId, clusterId: cluster.id, index: 1 });
    await make.node(ds, { project, profileId: cluster.profileId, clusterId: other.id, index: 1 });
    const action = await make.action(ds, { project, target: cluster.id, clusterId: cluster.id });
    await make.action(ds, { project, target: other.id, clusterId: other.id });
    const event = await make.event(ds, { project, oid: cluster.id, clusterId: cluster.id });
    await make.event(ds, { project, oid: other.id, clusterId: other.id });
    for (const ident of [cluster.id, cluster.name, cluster.id.slice(0, 8)]) {
      const get = <T>(path: string) => h.http<T>('GET', path, { project, version: '1.14' });
      expect(
        (await get<{ nodes: { id: string }[] }>(`/v1/nodes?cluster_id=${ident}`)).body.nodes.map((n) => n.id),
      ).toEqual([node.id]);
      expect(
        (await get<{ actions: { id: string }[] }>(`/v1/actions?cluster_id=${ident}`)).body.actions.map((n) => n.id),
      ).toEqual([action.id]);
      expect(
        (await get<{ events: { id: string }[] }>(`/v1/events?cluster_id=${ident}`)).body.events.map((n) => n.id),
      ).toEqual([event.id]);
    }
  });
});

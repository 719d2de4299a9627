import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  ActionEntity,
  ClusterEntity,
  EventEntity,
  NodeEntity,
  ProfileEntity,
  ServiceEntity,
  insertRows,
} from '@grove/db';

/** A project id of its own for each call, so tests never share rows (NV UserSession). */
export const freshProject = (): string => `p${randomUUID().replace(/-/g, '').slice(0, 16)}`;

const context = (project: string) => ({
  requestId: null,
  userId: 'u1',
  projectId: project,
  domainId: null,
  roles: ['member'],
  isAdmin: false,
});

/** Inserts valid rows with sensible defaults; override any field. */
export const make = {
  async profile(ds: DataSource, o: Partial<ProfileEntity> = {}): Promise<ProfileEntity> {
    const p = Object.assign(new ProfileEntity(), {
      id: randomUUID(),
      name: `prof-${randomUUID().slice(0, 6)}`,
      type: 'os.nova.server-1.0',
      spec: {
        type: 'os.nova.server',
        version: '1.0',
        properties: { flavor: 'm1.tiny', image: 'cirros-0.6.2-x86_64-disk' },
      },
      metadata: {},
      userId: 'u1',
      project: o.project ?? freshProject(),
      domain: null,
      createdAt: new Date(),
      updatedAt: null,
      ...o,
    });
    await insertRows(ds, ds, ProfileEntity, [p]);
    return p;
  },

  async cluster(ds: DataSource, o: Partial<ClusterEntity> = {}): Promise<ClusterEntity> {
    const project = o.project ?? freshProject();
    const profileId = o.profileId ?? (await make.profile(ds, { project })).id;
    const c = Object.assign(new ClusterEntity(), {
      id: randomUUID(),
      name: `c-${randomUUID().slice(0, 6)}`,
      profileId,
      userId: 'u1',
      project,
      domain: null,
      initAt: new Date(),
      createdAt: null,
      updatedAt: null,
      minSize: 0,
      maxSize: -1,
      desiredCapacity: 0,
      nextIndex: 1,
      timeout: 3600,
      status: 'ACTIVE',
      statusReason: '',
      metadata: {},
      data: {},
      dependents: {},
      config: {},
      ...o,
    });
    await insertRows(ds, ds, ClusterEntity, [c]);
    return c;
  },

  async node(ds: DataSource, o: Partial<NodeEntity> = {}): Promise<NodeEntity> {
    const project = o.project ?? freshProject();
    const profileId = o.profileId ?? (await make.profile(ds, { project })).id;
    const n = Object.assign(new NodeEntity(), {
      id: randomUUID(),
      name: `n-${randomUUID().slice(0, 6)}`,
      physicalId: null,
      clusterId: null,
      profileId,
      userId: 'u1',
      project,
      domain: null,
      index: -1,
      role: null,
      initAt: new Date(),
      createdAt: null,
      updatedAt: null,
      tainted: false,
      status: 'ACTIVE',
      statusReason: '',
      metadata: {},
      data: {},
      dependents: {},
      ...o,
    });
    await insertRows(ds, ds, NodeEntity, [n]);
    return n;
  },

  async action(ds: DataSource, o: Partial<ActionEntity> = {}): Promise<ActionEntity> {
    const project = o.project ?? freshProject();
    const a = Object.assign(new ActionEntity(), {
      id: randomUUID(),
      name: 'test_action',
      clusterId: null,
      target: randomUUID(),
      action: 'CLUSTER_CHECK',
      cause: 'RPC Request',
      owner: null,
      interval: -1,
      startTime: null,
      endTime: null,
      timeout: 3600,
      status: 'READY',
      statusReason: '',
      control: null,
      step: null,
      awaiting: [],
      retries: 0,
      epoch: 0,
      inputs: {},
      outputs: {},
      data: {},
      context: context(project),
      userId: 'u1',
      project,
      domain: null,
      createdAt: new Date(),
      updatedAt: new Date(),
      ...o,
    });
    await insertRows(ds, ds, ActionEntity, [a]);
    return a;
  },

  /** An INFO event about a cluster (a fresh one unless `oid` is given), as an action would write it. */
  async event(ds: DataSource, o: Partial<EventEntity> = {}): Promise<EventEntity> {
    const oid = o.oid ?? randomUUID();
    const e = Object.assign(new EventEntity(), {
      id: randomUUID(),
      timestamp: new Date(),
      oid,
      oname: `c-${oid.slice(0, 6)}`,
      otype: 'CLUSTER',
      clusterId: oid,
      level: 20,
      userId: 'u1',
      project: o.project ?? freshProject(),
      action: 'CLUSTER_CREATE',
      status: 'start',
      statusReason: 'The action is being processed.',
      metaData: {},
      ...o,
    });
    await insertRows(ds, ds, EventEntity, [e]);
    return e;
  },

  /**
   * A registered service whose heartbeat is `ageS` seconds old, beating without a gap for
   * `freshForS` seconds before that (an hour unless told).
   */
  async service(
    ds: DataSource,
    ageS = 0,
    binary: ServiceEntity['binary'] = 'grove-engine',
    freshForS = 3600,
  ): Promise<ServiceEntity> {
    const at = new Date(Date.now() - ageS * 1000);
    const s = Object.assign(new ServiceEntity(), {
      id: randomUUID(),
      host: 'test-host',
      binary,
      topic: 'engine',
      disabled: false,
      disabledReason: null,
      createdAt: at,
      updatedAt: at,
      freshSince: new Date(at.getTime() - freshForS * 1000),
    });
    await ds.manager.insert(ServiceEntity, s);
    return s;
  },
};

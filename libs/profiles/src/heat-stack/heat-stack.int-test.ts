import { simulatorConnector } from '@grove/testing';
import { startCloudSimulator, type CloudSimulator } from '@grove/cloud-simulator';
import { SpecError } from '@grove/core';
import { type CloudConnector } from '@grove/drivers';
import { ProfileError, type ProfileContext, type ProfileNode } from '../profile-type';
import { ProfileRegistry } from '../registry';
import { heatStackProfile } from './heat-stack.profile';
import type { HeatStackProps } from './heat-stack.properties';

/** A stack of one server on `private`, whose address is the `fixed_ip` output (a Docker host, as Senlin wants it). */
const TEMPLATE = {
  heat_template_version: '2016-04-08',
  parameters: {
    flavor: { type: 'string', default: 'm1.tiny' },
    greeting: { type: 'string', default: 'hello' },
  },
  resources: {
    server: {
      type: 'OS::Nova::Server',
      properties: {
        flavor: { get_param: 'flavor' },
        image: 'cirros-0.6.2-x86_64-disk',
        networks: [{ network: 'private' }],
      },
    },
  },
  outputs: {
    fixed_ip: { value: { get_attr: ['server', 'first_address'] } },
    greeting: { value: { get_param: 'greeting' } },
  },
};

let sim: CloudSimulator;
let cloud: CloudConnector;
const registry = new ProfileRegistry();

beforeAll(async () => {
  sim = await startCloudSimulator({ port: 0, dockerPort: 0 });
  cloud = simulatorConnector(sim);
});

afterAll(async () => {
  await cloud?.close();
  await sim?.close();
});

const silent = { info: () => undefined, warn: () => undefined };

function context(timeoutMs = 30_000): ProfileContext {
  const drivers = cloud.forRegion('RegionOne');
  const signal = new AbortController().signal;
  return {
    cloud: drivers,
    signal,
    log: silent,
    nodes: { findNode: async () => null, clusterMembers: async () => null },
    waitOptions: (capMs) => drivers.wait(Math.min(capMs ?? timeoutMs, timeoutMs), signal),
  };
}

const props = (p: Record<string, unknown> = {}) =>
  registry.validate({ type: 'os.heat.stack', version: '1.0', properties: { template: TEMPLATE, ...p } })
    .properties as unknown as HeatStackProps;

const newNode = (o: Partial<ProfileNode> = {}): ProfileNode => ({
  id: crypto.randomUUID(),
  name: 'web',
  clusterId: null,
  index: -1,
  physicalId: null,
  metadata: {},
  data: {},
  project: 'admin',
  userId: 'admin',
  ...o,
});

/** The stack as Heat shows it; null once deleted (Heat still shows a deleted stack as DELETE_COMPLETE). */
async function stackNamed(id: string) {
  const s = await cloud.forRegion('RegionOne').orchestration.getStack(id);
  return s && s.status !== 'DELETE_COMPLETE' ? s : null;
}

/** Every stack the simulator still has (its admin listing), whoever made it. */
const stacksLeft = () => sim.admin.resources({ type: 'stacks' }).stacks ?? [];

describe('os.heat.stack-1.0 against a simulated Heat', () => {
  it('asks Heat to validate the template and reports what it refuses as a spec error', async () => {
    await expect(heatStackProfile.validateInCloud(context(), props())).resolves.toBeUndefined();
    const bad = props({
      template: { heat_template_version: '2016-04-08', resources: { x: { type: 'OS::No::Such' } } },
    });
    const err = await heatStackProfile.validateInCloud(context(), bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).reason).toMatch(/^Failed in validating template: /);
  });

  it('creates a tagged stack, finds it again, checks it, shows it, updates it and deletes it', async () => {
    const ctx = context();
    const node = newNode({ clusterId: crypto.randomUUID(), index: 2 });
    const p = props({ parameters: { greeting: 'hi' } });

    const made = await heatStackProfile.create(ctx, node, p);
    const stack = (await stackNamed(made.physicalId))!;
    expect(stack.status).toBe('CREATE_COMPLETE');
    expect(stack.name).toMatch(/^web-[A-Za-z][A-Za-z0-9]{7}$/);
    expect(stack.tags).toEqual([`cluster_node_id=${node.id}`, `cluster_id=${node.clusterId}`, 'cluster_node_index=2']);
    expect(await heatStackProfile.findCreated(ctx, node, p)).toEqual([made.physicalId]);

    const created = { ...node, physicalId: made.physicalId };
    expect(await heatStackProfile.check(ctx, created, p)).toEqual({ state: 'healthy' });
    expect((await stackNamed(made.physicalId))!.status).toBe('CHECK_COMPLETE');

    const details = await heatStackProfile.details(ctx, created, p);
    expect(details).toMatchObject({
      id: made.physicalId,
      name: stack.name,
      status: 'CHECK_COMPLETE',
      parameters: { greeting: 'hi' },
    });
    expect(details.outputs).toEqual(
      expect.arrayContaining([expect.objectContaining({ output_key: 'greeting', output_value: 'hi' })]),
    );

    const next = props({ parameters: { greeting: 'bye' }, timeout: 5 });
    await heatStackProfile.update(ctx, created, p, next);
    const updated = (await stackNamed(made.physicalId))!;
    expect(updated.status).toBe('UPDATE_COMPLETE');
    expect(updated.outputs.greeting).toBe('bye');
    expect(updated.raw.timeout_mins).toBe(5);

    // A dropped parameter goes back to the template's default.
    await heatStackProfile.update(ctx, created, next, props({ timeout: 5 }));
    expect((await stackNamed(made.physicalId))!.outputs.greeting).toBe('hello');

    await heatStackProfile.delete(ctx, created, p);
    expect(await stackNamed(made.physicalId)).toBeNull();
    expect(await heatStackProfile.check(ctx, created, p)).toMatchObject({ state: 'gone' });
    expect(await heatStackProfile.details(ctx, created, p)).toEqual({});
    expect(stacksLeft().filter((s) => s.id === made.physicalId)).toEqual([]);
  });

  it('finds a stack whose server broke unhealthy, and one Heat lost gone', async () => {
    const ctx = context();
    const node = newNode();
    const made = await heatStackProfile.create(ctx, node, props());
    const created = { ...node, physicalId: made.physicalId };
    const serverId = sim.admin.resources({ type: 'stacks' }).stacks!.find((x) => x.id === made.physicalId)!.resources[0]
      .physical_id;
    sim.admin.setServerStatus(serverId, 'ERROR');
    const verdict = await heatStackProfile.check(ctx, created, props());
    expect(verdict).toMatchObject({ state: 'unhealthy', reason: expect.stringContaining('CHECK_FAILED') });
    sim.admin.vanish('stacks', made.physicalId);
    expect(await heatStackProfile.check(ctx, created, props())).toMatchObject({ state: 'gone' });
    await heatStackProfile.delete(ctx, created, props());
    expect(sim.admin.resources({ type: 'servers' }).servers?.map((x) => x.id)).not.toContain(serverId);
  });

  it('waits for the stack an earlier attempt made instead of making another', async () => {
    const ctx = context();
    const node = newNode();
    const first = await heatStackProfile.create(ctx, node, props());
    const [found] = await heatStackProfile.findCreated(ctx, node, props());
    const again = await heatStackProfile.create(ctx, { ...node, physicalId: found }, props());
    expect(again.physicalId).toBe(first.physicalId);
    expect(stacksLeft().filter((x) => x.tags.includes(`cluster_node_id=${node.id}`))).toHaveLength(1);
    await heatStackProfile.delete(ctx, { ...node, physicalId: first.physicalId }, props());
  });

  it('rewrites only its own tags when the node joins and leaves a cluster', async () => {
    const ctx = context();
    const node = newNode();
    const made = await heatStackProfile.create(ctx, node, props());
    const heat = cloud.forRegion('RegionOne').orchestration;
    await heat.updateStack(made.physicalId, { tags: [`cluster_node_id=${node.id}`, 'team=blue'] });
    await heat.waitForStack(made.physicalId, ['UPDATE_COMPLETE'], context().waitOptions());

    const created = { ...node, physicalId: made.physicalId };
    const cluster = crypto.randomUUID();
    await heatStackProfile.join(ctx, created, props(), cluster, 4);
    expect((await stackNamed(made.physicalId))!.tags).toEqual([
      'team=blue',
      `cluster_node_id=${node.id}`,
      `cluster_id=${cluster}`,
      'cluster_node_index=4',
    ]);
    await heatStackProfile.leave(ctx, { ...created, clusterId: cluster, index: 4 }, props());
    const after = (await stackNamed(made.physicalId))!;
    expect(after.tags).toEqual(['team=blue', `cluster_node_id=${node.id}`]);
    expect(after.status).toBe('UPDATE_COMPLETE');
    await heatStackProfile.delete(ctx, created, props());
  });

  it('recovers by making a new stack in place of the old one', async () => {
    const ctx = context();
    const node = newNode();
    const made = await heatStackProfile.create(ctx, node, props());
    const created = { ...node, physicalId: made.physicalId };
    const rebooted = await heatStackProfile
      .recover(ctx, created, props(), { operation: 'REBOOT', params: {} })
      .catch((e: unknown) => e);
    expect(rebooted).toBeInstanceOf(ProfileError);

    const recovered = await heatStackProfile.recover(ctx, created, props(), { operation: 'RECREATE', params: {} });
    expect(recovered.physicalId).not.toBe(made.physicalId);
    expect(recovered.data).toEqual({ recovery: 'RECREATE' });
    expect(await stackNamed(made.physicalId)).toBeNull();
    expect((await stackNamed(recovered.physicalId))!.status).toBe('CREATE_COMPLETE');
    await heatStackProfile.delete(ctx, { ...node, physicalId: recovered.physicalId }, props());
  });

  it('abandons the stack: Heat forgets it, its server stays', async () => {
    const ctx = context();
    const node = newNode();
    const made = await heatStackProfile.create(ctx, node, props());
    const serverIp = (await stackNamed(made.physicalId))!.outputs.fixed_ip;
    await heatStackProfile.operation(ctx, { ...node, physicalId: made.physicalId }, props(), 'abandon', {});
    expect(await stackNamed(made.physicalId)).toBeNull();
    const servers = await cloud.forRegion('RegionOne').compute.listServers({});
    const kept = servers.filter((s) => s.addresses.private?.some((a) => a.addr === serverIp));
    expect(kept).toHaveLength(1);
    await cloud.forRegion('RegionOne').compute.deleteServer(kept[0].id);
  });

  it('makes nothing when Heat refuses the stack', async () => {
    const node = newNode();
    const refused = props({ parameters: { flavor: 'no-such-flavor' } });
    const err = await heatStackProfile.create(context(), node, refused).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProfileError);
    expect((err as ProfileError).message).toMatch(/^Failed in creating stack: .*no-such-flavor/);
    expect((err as ProfileError).physicalId).toBeNull();
    expect(stacksLeft()).toEqual([]);
  });

  it('deletes a stack that failed to build and says why', async () => {
    const node = newNode();
    sim.admin.updateConfig({ build_failure_rate: 1 });
    try {
      const err = await heatStackProfile.create(context(), node, props()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProfileError);
      expect((err as ProfileError).message).toMatch(/^Failed in creating stack: Stack \S+ is CREATE_FAILED/);
      expect((err as ProfileError).physicalId).toBeNull();
    } finally {
      sim.admin.updateConfig({ build_failure_rate: 0 });
    }
    expect(await heatStackProfile.findCreated(context(), node, props())).toEqual([]);
    expect(stacksLeft()).toEqual([]);
    expect(sim.admin.resources({ type: 'servers' }).servers?.filter((s) => s.stack_id)).toEqual([]);
  });
});

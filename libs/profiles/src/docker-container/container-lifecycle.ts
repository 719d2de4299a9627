import { CloudError, SpecError } from '@grove/core';
import type { Container, ContainerDriver } from '@grove/drivers';
import {
  nodeTags,
  ProfileError,
  type CheckResult,
  type CreateResult,
  type ProfileContext,
  type ProfileNode,
} from '../profile-type';
import { randomName } from '../random-name';
import type { DockerContainerProps } from './docker-container.properties';
import {
  candidateHosts,
  dockerEndpoint,
  hostIp,
  locateContainer,
  recordedHost,
  resolveHost,
  type ContainerHost,
} from './docker-host';
import { splitCommand } from './split-command';

/** How long a container may take to start, stop or settle after an operation. */
export const DOCKER_TIMEOUT_MS = 120_000;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Checks the host the spec names against the project's nodes and clusters (Senlin's messages).
 * Only a caller that knows the project can ask; without one the host is checked when a node is made.
 */
export async function validateContainerSpec(
  ctx: ProfileContext,
  props: DockerContainerProps,
  project?: string,
): Promise<void> {
  if (project === undefined) return;
  if (props.host_cluster && !(await ctx.nodes.clusterMembers(project, props.host_cluster))) {
    throw new SpecError(
      'host_cluster',
      `The specified host_cluster '${props.host_cluster}' could not be found or is not unique.`,
    );
  }
  if (props.host_node && !(await ctx.nodes.findNode(project, props.host_node))) {
    throw new SpecError(
      'host_node',
      `The specified host_node '${props.host_node}' could not be found or is not unique.`,
    );
  }
}

/** Waits until a started container runs; one that stops at once failed (its command exited). */
async function waitRunning(ctx: ProfileContext, docker: ContainerDriver, id: string): Promise<Container> {
  const c = await docker.waitForStatus(id, ['running', 'exited'], ctx.waitOptions(DOCKER_TIMEOUT_MS));
  if (c.status === 'exited') {
    const state = c.raw.State as { ExitCode?: number } | undefined;
    throw new ProfileError(`container ${id} exited with code ${state?.ExitCode ?? 'unknown'} instead of running`);
  }
  return c;
}

const created = (id: string, host: ContainerHost): CreateResult => ({
  physicalId: id,
  data: { ...host },
  dependsOn: [host.host_node],
});

/**
 * Runs the node's container on its host: create (labelled with the node's ids), start, wait
 * until it runs. The node's data records the host (`host_node`, `host_ip`) so that later calls
 * reach the container without choosing a host again. A container that fails to start is removed;
 * the ProfileError names it only if that failed too. The container's id and host are recorded on
 * the node as soon as Docker answers (ProfileContext.recordCreated). A node that already points
 * at a container (an earlier attempt's, found by its labels) starts that one instead of making
 * another.
 */
export async function createContainer(
  ctx: ProfileContext,
  node: ProfileNode,
  props: DockerContainerProps,
): Promise<CreateResult> {
  if (node.physicalId) {
    const resumed = await resumeContainer(ctx, node, props, node.physicalId);
    if (resumed) return resumed;
  }
  let docker: ContainerDriver;
  let host: ContainerHost;
  try {
    const h = await resolveHost(ctx, node, props);
    host = { host_node: h.id, host_ip: await hostIp(ctx, h) };
    docker = ctx.cloud.docker(dockerEndpoint(host.host_ip, props.port));
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    throw new ProfileError(`Failed in creating container: ${message(e)}`);
  }
  let id: string | null = null;
  let asked = false;
  try {
    const req = {
      name: props.name ?? `${node.name}-${randomName(8)}`,
      image: props.image,
      labels: nodeTags(node),
      ...(props.command !== undefined ? { command: splitCommand(props.command) } : {}),
    };
    asked = true;
    id = (await docker.create(req, ctx.signal)).id;
    await ctx.recordCreated?.({ physicalId: id, data: { ...host } });
    await docker.start(id, ctx.signal);
    await waitRunning(ctx, docker, id);
    return created(id, host);
  } catch (e) {
    if (ctx.signal.aborted && !id && !asked) throw e;
    const reason = `Failed in creating container: ${message(e)}`;
    // Docker's answer may have been lost although it made the container: it is looked for by its labels.
    const made = id ? [id] : await labelled(docker, node).catch(() => []);
    let left: string | null = null;
    for (const c of made) left ??= await removeFailed(ctx, docker, c);
    throw new ProfileError(reason, left);
  }
}

/** Starts a container an earlier attempt made; null when no allowed host has it any more. */
async function resumeContainer(
  ctx: ProfileContext,
  node: ProfileNode,
  props: DockerContainerProps,
  id: string,
): Promise<CreateResult | null> {
  const at = await locateContainer(ctx, node, props, id);
  const c = at && (await at.docker.inspect(id, ctx.signal));
  if (!at || !c) return null;
  try {
    if (c.status === 'paused') await at.docker.unpause(id, ctx.signal);
    else if (c.status !== 'running') await at.docker.start(id, ctx.signal);
    await waitRunning(ctx, at.docker, id);
    return created(id, at.host);
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    throw new ProfileError(`Failed in creating container: ${message(e)}`, await removeFailed(ctx, at.docker, id));
  }
}

/** Removes a container that failed to start; returns its id if it is still there. */
async function removeFailed(ctx: ProfileContext, docker: ContainerDriver, id: string): Promise<string | null> {
  try {
    // Clean-up must happen even when the action was cancelled, so it does not use ctx.signal.
    await docker.remove(id, { force: true });
    return null;
  } catch (e) {
    ctx.log.warn({ container: id, err: message(e) }, 'could not remove a container that failed to start');
    return id;
  }
}

/** The containers of one daemon labelled with the node's id. */
async function labelled(docker: ContainerDriver, node: ProfileNode, signal?: AbortSignal): Promise<string[]> {
  const found = await docker.list({ labels: { cluster_node_id: node.id } }, signal);
  return found.filter((c) => c.labels.cluster_node_id === node.id).map((c) => c.id);
}

/** Containers labelled with this node's id on any host the spec allows (crash recovery). */
export async function findContainers(
  ctx: ProfileContext,
  node: ProfileNode,
  props: DockerContainerProps,
): Promise<string[]> {
  const ids: string[] = [];
  for (const { host, docker } of await candidateHosts(ctx, node, props)) {
    try {
      ids.push(...(await labelled(docker, node, ctx.signal)));
    } catch (e) {
      // A daemon that does not answer would otherwise keep a node that never got a container
      // from ever being deleted.
      if (ctx.signal.aborted || !unreachable(e)) throw e;
      ctx.log.warn({ host: host.host_node, err: message(e) }, 'skipping a Docker host that does not answer');
    }
  }
  return ids;
}

/** A Docker daemon that does not answer at all (as opposed to answering with an error). */
const unreachable = (e: unknown) => e instanceof CloudError && e.httpStatus === undefined;

/**
 * The container's host node is gone from Grove (a forced delete removed it), so the container
 * went with the server or stack that ran it.
 */
async function hostRemoved(ctx: ProfileContext, node: ProfileNode): Promise<boolean> {
  const host = recordedHost(node);
  return !!host && !(await ctx.nodes.findNode(node.project, host.host_node));
}

/** Stops the container, then removes it. A container, or a host, that is already gone is fine. */
export async function deleteContainer(
  ctx: ProfileContext,
  node: ProfileNode,
  props: DockerContainerProps,
): Promise<void> {
  const id = node.physicalId;
  if (!id) return;
  try {
    const at = await locateContainer(ctx, node, props, id);
    const c = at && (await at.docker.inspect(id, ctx.signal));
    if (!at || !c) return;
    // Docker will not stop a frozen container.
    if (c.status === 'paused') await at.docker.unpause(id, ctx.signal);
    if (c.status !== 'exited' && c.status !== 'created' && c.status !== 'dead')
      await at.docker.stop(id, undefined, ctx.signal);
    await at.docker.remove(id, { force: true }, ctx.signal);
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    if (unreachable(e) && (await hostRemoved(ctx, node))) {
      ctx.log.warn(
        { container: id, host: recordedHost(node)?.host_node },
        'the host of the container is gone; so is the container',
      );
      return;
    }
    throw new ProfileError(`Failed in deleting container '${id}': ${message(e)}`, id);
  }
}

/** Renames the container, the only change Docker makes in place (Senlin's rule: the spec name, else the node name). */
export async function updateContainer(
  ctx: ProfileContext,
  node: ProfileNode,
  cur: DockerContainerProps,
  next: DockerContainerProps,
): Promise<{ data?: Record<string, unknown> }> {
  const id = node.physicalId;
  if (!id) throw new ProfileError('Failed in updating container: the node has no container.');
  const name = next.name ?? node.name;
  if (name === (cur.name ?? node.name)) return {};
  try {
    const at = await locateContainer(ctx, node, next, id);
    if (!at) throw new ProfileError(`container ${id} could not be found on any host`);
    await at.docker.rename(id, name, ctx.signal);
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    throw new ProfileError(`Failed in updating container '${id}': ${message(e)}`, id);
  }
  return {};
}

/** Running is healthy; any other state is not; a container its host no longer has is gone. */
export async function checkContainer(
  ctx: ProfileContext,
  node: ProfileNode,
  props: DockerContainerProps,
): Promise<CheckResult> {
  const id = node.physicalId;
  if (!id) return { state: 'gone', reason: 'The node has no container.' };
  const at = await locateContainer(ctx, node, props, id);
  const c = at && (await at.docker.inspect(id, ctx.signal));
  if (!c) return { state: 'gone', reason: `Container ${id} could not be found.` };
  if (c.status === 'running') return { state: 'healthy' };
  return { state: 'unhealthy', reason: `Container status is ${c.status}.` };
}

/** The container as `show_details` shows it: Docker's inspect fields and the host it runs on. */
export async function containerDetails(
  ctx: ProfileContext,
  node: ProfileNode,
  props: DockerContainerProps,
): Promise<Record<string, unknown>> {
  const id = node.physicalId;
  if (!id) return {};
  let at;
  try {
    at = await locateContainer(ctx, node, props, id);
  } catch (e) {
    if (e instanceof ProfileError) return { Error: { code: 404, message: e.message } };
    throw e;
  }
  const c = at && (await at.docker.inspect(id, ctx.signal));
  if (!at || !c) return {};
  const raw = c.raw as {
    Created?: string;
    Path?: string;
    Args?: string[];
    State?: { StartedAt?: string; FinishedAt?: string; ExitCode?: number; Pid?: number };
    Config?: { Cmd?: string[] };
    NetworkSettings?: { IPAddress?: string };
    RestartCount?: number;
  };
  return {
    id: c.id,
    name: c.name,
    image: c.image,
    status: c.status,
    command: raw.Config?.Cmd ?? (raw.Path ? [raw.Path, ...(raw.Args ?? [])] : null),
    created: raw.Created ?? null,
    started_at: raw.State?.StartedAt ?? null,
    finished_at: raw.State?.FinishedAt ?? null,
    exit_code: raw.State?.ExitCode ?? null,
    restart_count: raw.RestartCount ?? 0,
    ip_address: raw.NetworkSettings?.IPAddress ?? null,
    labels: c.labels,
    host_node: at.host.host_node,
    host_ip: at.host.host_ip,
  };
}

interface DockerCall {
  run: (docker: ContainerDriver, id: string, params: Record<string, unknown>, signal: AbortSignal) => Promise<void>;
  settles: string;
  verb: string;
}

/** Each operation of `/ops`; Senlin names restart's handler `reboot`, so its restart never ran. */
const CALLS: Record<string, DockerCall> = {
  restart: {
    run: (d, id, p, signal) => d.restart(id, typeof p.wait_time === 'number' ? p.wait_time : undefined, signal),
    settles: 'running',
    verb: 'restarting',
  },
  pause: { run: (d, id, _p, signal) => d.pause(id, signal), settles: 'paused', verb: 'pausing' },
  unpause: { run: (d, id, _p, signal) => d.unpause(id, signal), settles: 'running', verb: 'unpausing' },
};

export async function runContainerOperation(
  ctx: ProfileContext,
  node: ProfileNode,
  props: DockerContainerProps,
  name: string,
  params: Record<string, unknown>,
): Promise<void> {
  const call = CALLS[name];
  if (!call) {
    throw new ProfileError(
      `The requested operation '${name}' is not supported by the profile type 'container.dockerinc.docker-1.0'.`,
    );
  }
  const id = node.physicalId;
  if (!id) throw new ProfileError(`Failed in ${call.verb} container: the node has no container.`);
  try {
    const at = await locateContainer(ctx, node, props, id);
    if (!at) throw new ProfileError(`container ${id} could not be found on any host`);
    await call.run(at.docker, id, params, ctx.signal);
    await at.docker.waitForStatus(id, [call.settles], ctx.waitOptions(DOCKER_TIMEOUT_MS));
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    throw new ProfileError(`Failed in ${call.verb} container '${id}': ${message(e)}`, id);
  }
}

import { resolveValue } from '@grove/core';
import type { Container } from '@grove/drivers';
import { ProfileError, type AdoptCapability, type AdoptRequest, type ProfileContext } from '../profile-type';
import { validateContainerSpec } from './container-lifecycle';
import {
  checkDockerContainerProperties,
  DOCKER_CONTAINER_PROPERTIES,
  type DockerContainerProps,
} from './docker-container.properties';
import { candidateHosts } from './docker-host';
import { joinCommand } from './split-command';

/**
 * The spec properties of a container: its image, name and command. Where it runs (`host_node` or
 * `host_cluster`, `port`) is not something a container knows, so it comes from the overrides.
 */
export function containerSpec(c: Container): Record<string, unknown> {
  const spec: Record<string, unknown> = { image: c.image, name: c.name };
  const cmd = (c.raw.Config as { Cmd?: unknown } | undefined)?.Cmd;
  if (Array.isArray(cmd) && cmd.length) spec.command = joinCommand(cmd.map(String));
  return spec;
}

/** The host the overrides name, checked as a profile's would be. */
function hostOf(req: AdoptRequest): Pick<DockerContainerProps, 'host_node' | 'host_cluster' | 'port'> {
  const o = req.overrides;
  const str = (k: string) => (o[k] === undefined || o[k] === null ? undefined : String(o[k]));
  const host = { host_node: str('host_node'), host_cluster: str('host_cluster') };
  checkDockerContainerProperties(host);
  const port = o.port === undefined || o.port === null ? DOCKER_CONTAINER_PROPERTIES.port.default : o.port;
  return { ...host, port: resolveValue(DOCKER_CONTAINER_PROPERTIES.port, port, 'port') as number };
}

/**
 * Senlin's container profile cannot adopt (its base `do_adopt` returns an empty spec, which then
 * fails validation). Grove looks for the container on the host the overrides name (on each member
 * for a `host_cluster`) and records that host as a create would.
 */
async function readContainer(ctx: ProfileContext, req: AdoptRequest) {
  const host = hostOf(req);
  await validateContainerSpec(ctx, host as DockerContainerProps, req.project);
  for (const { host: where, docker } of await candidateHosts(ctx, { project: req.project }, host)) {
    const c = await docker.inspect(req.identity, ctx.signal);
    if (!c) continue;
    return {
      physicalId: c.id,
      properties: containerSpec(c),
      data: { ...where },
      dependsOn: [where.host_node],
      taggedNode: c.labels.cluster_node_id ?? null,
    };
  }
  throw new ProfileError(`404: No such container: ${req.identity}`);
}

export const adoptContainer: AdoptCapability<DockerContainerProps> = {
  read: readContainer,
  // Docker cannot change a container's labels after it was made; the node's data points at it.
  tag: async () => {},
};

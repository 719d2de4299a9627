import { S, SpecError } from '@grove/core';
import { splitCommand } from './split-command';

/** The resolved `properties` of a `container.dockerinc.docker-1.0` spec (defaults filled in). */
export interface DockerContainerProps {
  context?: { region_name?: string };
  image: string;
  name?: string;
  command?: string;
  port: number;
  host_node?: string;
  host_cluster?: string;
}

/** Names, types, defaults and updatability follow Senlin's docker profile (the wire contract). */
export const DOCKER_CONTAINER_PROPERTIES = {
  context: S.map('Where the hosts live, e.g. {"region_name": "RegionTwo"}.'),
  image: S.string('The image the container runs; it must be present on the host.', { required: true }),
  name: S.string('Name of the container; the node name and a random suffix when left out.', { updatable: true }),
  command: S.string('What the container runs instead of the image default, split into words like a shell does.'),
  port: S.integer('TCP port of the Docker daemon on the host.', { default: 2375 }),
  host_node: S.string('The node (a Nova server or Heat stack) to run the container on. Give this or host_cluster.'),
  host_cluster: S.string(
    'A cluster of such nodes; one of its ACTIVE members runs the container. Give this or host_node.',
  ),
};

export const DOCKER_CONTAINER_OPERATIONS = {
  restart: {
    description: 'Stop the container and start it again.',
    parameters: {
      wait_time: S.integer('Seconds the container gets to stop before it is killed.'),
    },
  },
  pause: { description: 'Freeze every process of the container.', parameters: {} },
  unpause: { description: 'Let a paused container run again.', parameters: {} },
};

/**
 * A container runs on exactly one host: a node, or a member of a cluster (Senlin's messages).
 * The command must split into words.
 */
export function checkDockerContainerProperties(
  p: Pick<DockerContainerProps, 'host_node' | 'host_cluster' | 'command'>,
): void {
  if (p.host_node && p.host_cluster) {
    throw new SpecError('host_node', "Either 'host_cluster' or 'host_node' must be specified, but not both.");
  }
  if (!p.host_node && !p.host_cluster) {
    throw new SpecError('host_node', "Either 'host_cluster' or 'host_node' must be specified.");
  }
  if (p.command !== undefined) splitCommand(p.command);
}

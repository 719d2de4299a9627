import { defineProfileType, type ProfileType } from '../profile-type';
import { adoptContainer } from './adopt-container';
import { recreateOnly } from '../recreate';
import {
  checkContainer,
  containerDetails,
  createContainer,
  deleteContainer,
  findContainers,
  runContainerOperation,
  updateContainer,
  validateContainerSpec,
} from './container-lifecycle';
import {
  checkDockerContainerProperties,
  DOCKER_CONTAINER_OPERATIONS,
  DOCKER_CONTAINER_PROPERTIES,
  type DockerContainerProps,
} from './docker-container.properties';

/**
 * A node is one Docker container on a node of another cluster (a Nova server or a Heat stack
 * whose Docker daemon listens on `port`). The container's node depends on its host: see
 * CreateResult.dependsOn.
 */
export const dockerContainerProfile: ProfileType<DockerContainerProps> = defineProfileType<DockerContainerProps>({
  name: 'container.dockerinc.docker',
  version: '1.0',
  supportStatus: {
    '1.0': [{ status: 'EXPERIMENTAL', since: '2017.02' }],
  },
  properties: DOCKER_CONTAINER_PROPERTIES,
  operations: DOCKER_CONTAINER_OPERATIONS,

  checkProperties: checkDockerContainerProperties,
  hosts: (props) => ({
    nodes: props.host_node ? [props.host_node] : [],
    clusters: props.host_cluster ? [props.host_cluster] : [],
  }),
  validateInCloud: validateContainerSpec,
  create: createContainer,
  findCreated: findContainers,
  delete: (ctx, node, props) => deleteContainer(ctx, node, props),
  update: updateContainer,
  check: checkContainer,
  details: containerDetails,
  // Membership lives in the labels given at create; Docker cannot change a container's labels,
  // and Senlin does nothing here either.
  join: async () => {},
  leave: async () => {},
  adopt: adoptContainer,
  operation: runContainerOperation,
  recover: (ctx, node, props, req) => recreateOnly(dockerContainerProfile, ctx, node, props, req),
});

import { renderOperations, renderSchema, resolveParams, SpecError } from '@grove/core';
import { ProfileRegistry } from '../registry';
import { DOCKER_CONTAINER_OPERATIONS, DOCKER_CONTAINER_PROPERTIES } from './docker-container.properties';

const registry = new ProfileRegistry();
const spec = (properties: Record<string, unknown>) => ({
  type: 'container.dockerinc.docker',
  version: '1.0',
  properties,
});

const reason = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof SpecError) return e.reason;
    throw e;
  }
  throw new Error('expected a SpecError');
};

describe('container.dockerinc.docker-1.0 properties', () => {
  it('defaults the Docker daemon port to 2375', () => {
    expect(registry.validate(spec({ image: 'nginx', host_node: 'h1' })).properties).toEqual({
      image: 'nginx',
      host_node: 'h1',
      port: 2375,
    });
  });

  it('requires an image', () => {
    expect(reason(() => registry.validate(spec({ host_node: 'h1' })))).toBe("Required spec item 'image' not provided");
  });

  it("needs exactly one of host_node and host_cluster, in Senlin's words", () => {
    expect(reason(() => registry.validate(spec({ image: 'nginx' })))).toBe(
      "Either 'host_cluster' or 'host_node' must be specified.",
    );
    expect(reason(() => registry.validate(spec({ image: 'nginx', host_node: 'h', host_cluster: 'c' })))).toBe(
      "Either 'host_cluster' or 'host_node' must be specified, but not both.",
    );
    expect(registry.validate(spec({ image: 'nginx', host_cluster: 'c' })).properties.host_cluster).toBe('c');
  });

  it('refuses bad items and a command that does not split', () => {
    expect(reason(() => registry.validate(spec({ image: 'nginx', host_node: 'h', port: 'docker' })))).toBe(
      "The value 'docker' is not a valid Integer (spec item 'port')",
    );
    expect(reason(() => registry.validate(spec({ image: 'nginx', host_node: 'h', volumes: [] })))).toBe(
      "Unrecognizable spec item 'volumes'",
    );
    expect(reason(() => registry.validate(spec({ image: 'nginx', host_node: 'h', command: 'echo "hi' })))).toBe(
      `No closing quotation in command 'echo "hi'`,
    );
  });

  it('lets only the name change in place', () => {
    const shown = renderSchema(DOCKER_CONTAINER_PROPERTIES) as Record<string, { updatable: boolean }>;
    expect(
      Object.entries(shown)
        .filter(([, s]) => s.updatable)
        .map(([k]) => k),
    ).toEqual(['name']);
  });

  it("advertises Senlin's operations and checks restart's wait_time", () => {
    expect(Object.keys(renderOperations(DOCKER_CONTAINER_OPERATIONS))).toEqual(['restart', 'pause', 'unpause']);
    expect(resolveParams(DOCKER_CONTAINER_OPERATIONS.restart, { wait_time: '5' })).toEqual({ wait_time: 5 });
    expect(reason(() => resolveParams(DOCKER_CONTAINER_OPERATIONS.restart, { wait_time: 'soon' }))).toBe(
      "The value 'soon' is not a valid Integer",
    );
    expect(reason(() => resolveParams(DOCKER_CONTAINER_OPERATIONS.pause, { force: true }))).toBe(
      "Unrecognizable parameter 'force'",
    );
  });
});

import { SpecError } from '@grove/core';
import type { PolicyPorts, PortOptions } from '../ports';
import type { LoadBalancingProps } from './load-balancing.properties';

/**
 * Rules across the load-balancing properties that the schema cannot say. Senlin's schema leaves
 * `pool` and `vip` optional but its policy cannot work without them (it fails with an internal
 * error), so Grove refuses them up front with the wording of a required item.
 */
export function checkLoadBalancingProps(props: LoadBalancingProps): void {
  if (!props.pool) throw new SpecError('pool', "Required spec item 'pool' not provided");
  if (!props.vip?.subnet && !props.vip?.network) {
    throw new SpecError('vip', 'At least one of VIP Subnet or Network must be defined.');
  }
  // Senlin adopts a load balancer with a null pool and then fails on every member; say so at once.
  if (props.loadbalancer && !props.pool.id) {
    throw new SpecError(
      'pool.id',
      `The 'pool.id' of the load balancer '${props.loadbalancer}' must be given to adopt it.`,
    );
  }
}

const notFound = (path: string, key: string, value: string) =>
  new SpecError(path, `The specified ${key} '${value}' could not be found.`);

/**
 * Deep validation at policy create, in Senlin's order: the pool subnet, the flavor, the VIP subnet
 * and network, then an adopted load balancer must exist. Lookups that fail for another reason
 * (the cloud is down) are not spec errors and propagate.
 */
export async function validateLoadBalancingProps(
  props: LoadBalancingProps,
  ports: PolicyPorts,
  o: PortOptions,
): Promise<void> {
  checkLoadBalancingProps(props);
  const { pool, vip } = props as Required<Pick<LoadBalancingProps, 'pool' | 'vip'>>;
  if (!(await ports.network.subnetExists(pool.subnet, o))) throw notFound('pool.subnet', 'subnet', pool.subnet);
  if (props.flavor_id && !(await ports.loadBalancer.flavorExists(props.flavor_id, o))) {
    throw notFound('flavor_id', 'flavor_id', props.flavor_id);
  }
  if (vip.subnet && !(await ports.network.subnetExists(vip.subnet, o)))
    throw notFound('vip.subnet', 'subnet', vip.subnet);
  if (vip.network && !(await ports.network.networkExists(vip.network, o))) {
    throw notFound('vip.network', 'network', vip.network);
  }
  if (props.loadbalancer && !(await ports.loadBalancer.exists(props.loadbalancer, o))) {
    throw notFound('loadbalancer', 'loadbalancer', props.loadbalancer);
  }
}

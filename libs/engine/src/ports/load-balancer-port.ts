import { CloudError } from '@grove/core';
import { fixedAddressOn, type CloudDrivers, type LbHealthMonitorType, type LbSessionPersistence } from '@grove/drivers';
import type { LbBuildSpec, LbResources, LoadBalancerPort, PortOptions } from '@grove/policies';

type WaitFor = PortOptions & { timeoutS: number };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown, fallback: number): number => (typeof v === 'number' ? v : fallback);

/**
 * The load-balancing policy's port on Octavia, as Senlin's lbaas driver builds it: load balancer,
 * listener, pool, health monitor, each followed by a wait for ACTIVE within `lb_status_timeout`
 * (and never past the action's deadline). A failed build deletes what it made.
 */
export class OctaviaLoadBalancerPort implements LoadBalancerPort {
  constructor(private readonly cloud: CloudDrivers) {}

  private waitFor(o: WaitFor) {
    const ms = Math.min(o.timeoutS * 1000, Math.max(1, o.deadline.getTime() - Date.now()));
    return this.cloud.wait(ms, o.signal);
  }

  private get lbaas() {
    return this.cloud.lbaas;
  }

  async create(spec: LbBuildSpec, o: WaitFor): Promise<LbResources> {
    const net = this.cloud.network;
    const vipSubnet = str(spec.vip.subnet);
    const vipNetwork = str(spec.vip.network);
    const subnet = vipSubnet ? await net.findSubnet(vipSubnet, o.signal) : null;
    if (vipSubnet && !subnet)
      throw new Error(`Failed in getting subnet: the subnet '${vipSubnet}' could not be found.`);
    const network = vipNetwork ? await net.findNetwork(vipNetwork, o.signal) : null;
    if (vipNetwork && !network) throw new Error(`Failed in getting network: '${vipNetwork}' could not be found.`);
    const adminStateUp = spec.vip.admin_state_up !== false;
    const lb = await this.lbaas.createLoadBalancer(
      {
        name: `senlin-lb-${spec.name}`,
        vipSubnetId: subnet?.id,
        vipNetworkId: subnet ? undefined : network?.id,
        vipAddress: str(spec.vip.address),
        adminStateUp,
        availabilityZone: spec.availabilityZone ?? undefined,
        flavorId: spec.flavorId ?? undefined,
      },
      o.signal,
    );
    const made: { -readonly [K in keyof LbResources]: LbResources[K] } = {
      loadbalancer: lb.id,
      listener: null,
      pool: '',
      healthmonitor: null,
      vip_address: lb.vipAddress,
      preexisting: false,
    };
    try {
      await this.lbaas.waitLoadBalancerActive(lb.id, this.waitFor(o));
      const listener = await this.lbaas.createListener(
        {
          loadBalancerId: lb.id,
          protocol: String(spec.vip.protocol ?? 'HTTP'),
          protocolPort: num(spec.vip.protocol_port, 80),
          connectionLimit: num(spec.vip.connection_limit, -1),
          adminStateUp,
          name: `senlin-listener-${spec.name}`,
        },
        o.signal,
      );
      made.listener = listener.id;
      await this.lbaas.waitLoadBalancerActive(lb.id, this.waitFor(o));
      const persistence = spec.pool.session_persistence as { type?: string; cookie_name?: string } | undefined;
      const pool = await this.lbaas.createPool(
        {
          lbAlgorithm: String(spec.pool.lb_method ?? 'ROUND_ROBIN'),
          protocol: String(spec.pool.protocol ?? 'HTTP'),
          listenerId: listener.id,
          sessionPersistence:
            persistence?.type && persistence.type !== 'NONE'
              ? ({
                  type: persistence.type,
                  ...(persistence.cookie_name ? { cookieName: persistence.cookie_name } : {}),
                } as LbSessionPersistence)
              : null,
          adminStateUp: spec.pool.admin_state_up !== false,
          name: `senlin-pool-${spec.name}`,
        },
        o.signal,
      );
      made.pool = pool.id;
      await this.lbaas.waitLoadBalancerActive(lb.id, this.waitFor(o));
      const hm = spec.healthMonitor;
      if (hm && str(hm.type)) {
        const monitor = await this.lbaas.createHealthMonitor(
          {
            poolId: pool.id,
            type: String(hm.type) as LbHealthMonitorType,
            delay: num(hm.delay, 10),
            timeout: num(hm.timeout, 5),
            maxRetries: num(hm.max_retries, 3),
            adminStateUp: hm.admin_state_up !== false,
            httpMethod: str(hm.http_method),
            urlPath: str(hm.url_path),
            expectedCodes: str(hm.expected_codes),
          },
          o.signal,
        );
        made.healthmonitor = monitor.id;
        await this.lbaas.waitLoadBalancerActive(lb.id, this.waitFor(o));
      }
      return made;
    } catch (e) {
      await this.delete(made, o).catch(() => undefined);
      throw e;
    }
  }

  async delete(res: LbResources, o: WaitFor): Promise<void> {
    await this.lbaas.deleteLoadBalancer(res.loadbalancer, { cascade: true }, o.signal);
    await this.lbaas.waitLoadBalancerGone(res.loadbalancer, this.waitFor(o));
  }

  async exists(loadBalancerId: string, o: PortOptions): Promise<boolean> {
    return (await this.lbaas.findLoadBalancer(loadBalancerId, o.signal)) !== null;
  }

  async flavorExists(nameOrId: string, o: PortOptions): Promise<boolean> {
    return (await this.lbaas.findFlavor(nameOrId, o.signal)) !== null;
  }

  /** The node's server address on the pool's subnet (Senlin's member_add): same network, same IP version. */
  async addMember(
    res: Pick<LbResources, 'loadbalancer' | 'pool'>,
    node: { name: string; physicalId: string | null },
    member: { protocolPort: number; subnet: string },
    o: WaitFor,
  ): Promise<string> {
    const subnet = await this.cloud.network.findSubnet(member.subnet, o.signal);
    if (!subnet) throw new Error(`The subnet '${member.subnet}' could not be found.`);
    const network = await this.cloud.network.findNetwork(subnet.networkId, o.signal);
    const server = node.physicalId ? await this.cloud.compute.getServer(node.physicalId, o.signal) : null;
    if (!server || !network) throw new Error(`Node ${node.name} has no server to add to the pool.`);
    const address = fixedAddressOn(server, {
      networkName: network.name,
      ipVersion: subnet.ipVersion === 6 ? 6 : 4,
      cidr: subnet.cidr,
    });
    if (!address) throw new Error(`Node ${node.name} is not in subnet ${member.subnet}.`);
    // A busy load balancer is waited for by the driver (its 409 "immutable"), so no look first.
    let id: string;
    try {
      id = (
        await this.lbaas.createMember(
          res.pool,
          { address, protocolPort: member.protocolPort, subnetId: subnet.id, name: node.name },
          o.signal,
        )
      ).id;
    } catch (e) {
      // An action run again after its engine died may have added the member already: Octavia's 409
      // "already using ip …" names it only by address, so the pool is listed then (not before: a
      // pool of a thousand members is a thousand rows on every scale-out).
      if (!(e instanceof CloudError && e.httpStatus === 409)) throw e;
      const existing = (await this.lbaas.listMembers(res.pool, o.signal))?.find(
        (m) => m.address === address && m.protocolPort === member.protocolPort,
      );
      if (!existing) throw e;
      id = existing.id;
    }
    await this.lbaas.waitLoadBalancerActive(res.loadbalancer, this.waitFor(o));
    return id;
  }

  async removeMember(res: Pick<LbResources, 'loadbalancer' | 'pool'>, memberId: string, o: WaitFor): Promise<void> {
    await this.lbaas.deleteMember(res.pool, memberId, o.signal);
    await this.lbaas.waitLoadBalancerActive(res.loadbalancer, this.waitFor(o));
  }
}

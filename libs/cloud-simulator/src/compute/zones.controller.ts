import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { Api, TokenGuard, type RegionApi } from '../http/api-context';
import { forbidden, notFound } from '../http/api-error';
import { isoSeconds } from '../http/times';
import type { Hypervisor } from '../store/resources';
import { settleServer } from './server-state';
import { SimulatorStore } from '../store/simulator-store';

const usable = (h: Hypervisor) => h.state === 'up' && h.status === 'enabled';

const denied = (rule: string) => forbidden(`Policy doesn't allow ${rule} to be performed.`);

/** Nova's availability zones and hypervisors. A zone is available while one of its hypervisors is up and enabled. */
@Controller(':region/compute/v2.1')
@UseGuards(TokenGuard)
export class ZonesController {
  constructor(private readonly store: SimulatorStore) {}

  @Get('os-availability-zone')
  zones(@Api() api: RegionApi) {
    return {
      availabilityZoneInfo: api.region.zones.map((zoneName) => ({
        zoneName,
        zoneState: { available: [...api.region.hypervisors.values()].some((h) => h.zone === zoneName && usable(h)) },
        hosts: null,
      })),
    };
  }

  @Get('os-availability-zone/detail')
  zoneDetail(@Api() api: RegionApi) {
    if (!api.caller.isAdmin) throw denied('os_compute_api:os-availability-zone:detail');
    const hyps = [...api.region.hypervisors.values()];
    return {
      availabilityZoneInfo: api.region.zones.map((zoneName) => {
        const inZone = hyps.filter((h) => h.zone === zoneName);
        return {
          zoneName,
          zoneState: { available: inZone.some(usable) },
          hosts: Object.fromEntries(
            inZone.map((h) => [
              h.hostname,
              {
                'nova-compute': {
                  available: usable(h),
                  active: h.status === 'enabled',
                  updated_at: isoSeconds(h.updated),
                },
              },
            ]),
          ),
        };
      }),
    };
  }

  @Get('os-hypervisors')
  hypervisors(@Api() api: RegionApi) {
    if (!api.caller.isAdmin) throw denied('os_compute_api:os-hypervisors:list');
    return {
      hypervisors: [...api.region.hypervisors.values()].map((h) => ({
        id: h.id,
        hypervisor_hostname: h.hostname,
        state: h.state,
        status: h.status,
      })),
    };
  }

  @Get('os-hypervisors/detail')
  hypervisorDetail(@Api() api: RegionApi) {
    if (!api.caller.isAdmin) throw denied('os_compute_api:os-hypervisors:list-detail');
    const usage = this.usage(api);
    return { hypervisors: [...api.region.hypervisors.values()].map((h) => this.detailView(h, usage.get(h.hostname))) };
  }

  @Get('os-hypervisors/:id')
  hypervisor(@Api() api: RegionApi, @Param('id') id: string) {
    if (!api.caller.isAdmin) throw denied('os_compute_api:os-hypervisors:show');
    const h = [...api.region.hypervisors.values()].find((x) => String(x.id) === id);
    if (!h) throw notFound(`Hypervisor with ID '${id}' could not be found.`);
    return { hypervisor: this.detailView(h, this.usage(api).get(h.hostname)) };
  }

  /** What the region's servers use on each hypervisor. */
  private usage(api: RegionApi): Map<string, { vms: number; vcpus: number; ram: number; disk: number }> {
    const now = Date.now();
    const out = new Map<string, { vms: number; vcpus: number; ram: number; disk: number }>();
    for (const raw of api.region.servers.values()) {
      const s = settleServer(this.store, api.region, raw, now);
      if (!s?.host) continue;
      const f = api.region.flavors.get(s.flavorId);
      const u = out.get(s.host) ?? { vms: 0, vcpus: 0, ram: 0, disk: 0 };
      u.vms += 1;
      u.vcpus += f?.vcpus ?? 0;
      u.ram += f?.ram ?? 0;
      u.disk += f?.disk ?? 0;
      out.set(s.host, u);
    }
    return out;
  }

  private detailView(h: Hypervisor, u = { vms: 0, vcpus: 0, ram: 0, disk: 0 }) {
    return {
      id: h.id,
      hypervisor_hostname: h.hostname,
      state: h.state,
      status: h.status,
      hypervisor_type: 'QEMU',
      hypervisor_version: 8002000,
      host_ip: h.hostIp,
      service: { host: h.hostname, id: h.id, disabled_reason: h.disabledReason },
      vcpus: h.vcpus,
      memory_mb: h.memoryMb,
      local_gb: h.localGb,
      vcpus_used: u.vcpus,
      memory_mb_used: u.ram + 512,
      local_gb_used: u.disk,
      free_ram_mb: h.memoryMb - u.ram - 512,
      free_disk_gb: h.localGb - u.disk,
      current_workload: 0,
      running_vms: u.vms,
      disk_available_least: h.localGb - u.disk,
      cpu_info: JSON.stringify({
        arch: 'x86_64',
        model: 'Nehalem',
        vendor: 'Intel',
        topology: { cells: 1, sockets: 1, cores: h.vcpus, threads: 1 },
      }),
    };
  }
}

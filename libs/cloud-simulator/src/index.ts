export { startCloudSimulator, type CloudSimulator, type SimulatorOptions, type SimulatorLogger } from './simulator';
export type { NotificationOptions } from './notifications/cloud-notifications';
export { SeedError, loadSeed, validateSeed, type SimulatorSeed } from './seed/seed';
export type {
  SimulatorAdmin,
  ForcedServerStatus,
  ForcedStackStatus,
  HypervisorPatch,
  HypervisorListing,
} from './admin/admin-operations';
export type {
  ResourceFilter,
  ResourceListing,
  ResourceType,
  ListedType,
  FlavorListing,
  ImageListing,
  NetworkListing,
  ServerListing,
  StackListing,
  ContainerListing,
  PortListing,
  FloatingIpListing,
  KeypairListing,
  ServerGroupListing,
  LbListing,
  LoadBalancerListing,
  ListenerListing,
  PoolListing,
  MemberListing,
  HealthMonitorListing,
} from './admin/resource-listing';
export type { SimulatorKnobs, ServiceKnobs, KnobsPatch } from './store/knobs';
export type { FailNextRequest, FailNextRule } from './store/fail-next';
export type { RequestStats } from './store/request-stats';
export type { CloudService } from './http/api-error';

import { S } from '@grove/core';

/** Nova server group policies; the soft ones need compute API microversion 2.15. */
export const SERVER_GROUP_POLICIES = ['affinity', 'soft-affinity', 'anti-affinity', 'soft-anti-affinity'] as const;
export type ServerGroupPolicy = (typeof SERVER_GROUP_POLICIES)[number];

/** The resolved `properties` of a `senlin.policy.affinity` spec. */
export interface AffinityProps {
  servergroup?: { name?: string; policies: ServerGroupPolicy };
  availability_zone?: string;
  enable_drs_extension: boolean;
}

/** Names, types, defaults and constraints follow Senlin's AffinityPolicy (the wire contract). */
export const AFFINITY_PROPERTIES = {
  servergroup: S.map('The Nova server group the nodes are booted into.', {
    name: S.string('Name of the server group: an existing one is reused, else one is made with this name.'),
    policies: S.string('Placement policy of the server group.', {
      default: 'anti-affinity',
      allowed: SERVER_GROUP_POLICIES,
    }),
  }),
  availability_zone: S.string('Availability zone the nodes are booted in.'),
  enable_drs_extension: S.boolean('Place nodes on a vSphere DRS cluster (a hypervisor whose name says so).', {
    default: false,
  }),
};

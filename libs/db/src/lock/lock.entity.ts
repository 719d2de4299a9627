import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A cluster lock is held by actions, not engines. `semaphore = -1` with one action id is the
 * exclusive (cluster) scope a cluster action takes; `semaphore = n > 0` lists the n node actions
 * sharing it (node scope). A lock is stale once none of its actions can still run.
 */
@Entity('cluster_lock')
export class ClusterLockEntity {
  @PrimaryColumn('uuid') clusterId!: string;
  @Column('uuid', { array: true }) actionIds!: string[];
  @Column('int') semaphore!: number;
}

@Entity('node_lock')
export class NodeLockEntity {
  @PrimaryColumn('uuid') nodeId!: string;
  @Column('uuid') actionId!: string;
}

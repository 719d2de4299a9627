import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ActionRepository } from './action/action.repository';
import { ClusterRepository } from './cluster/cluster.repository';
import { CredentialRepository } from './credential/credential.repository';
import { EventRepository } from './event/event.repository';
import { LockRepository } from './lock/lock.repository';
import { NodeRepository } from './node/node.repository';
import { HealthRegistryRepository } from './health/health-registry.repository';
import { ClusterPolicyRepository } from './policy/cluster-policy.repository';
import { PolicyRepository } from './policy/policy.repository';
import { ProfileRepository } from './profile/profile.repository';
import { ReceiverRepository } from './receiver/receiver.repository';
import { ServiceRepository } from './service/service.repository';

const REPOSITORIES = [
  ProfileRepository,
  ClusterRepository,
  NodeRepository,
  ActionRepository,
  LockRepository,
  EventRepository,
  ServiceRepository,
  PolicyRepository,
  ClusterPolicyRepository,
  ReceiverRepository,
  HealthRegistryRepository,
  CredentialRepository,
];

/**
 * The process's one DataSource and the repositories over it. The DataSource is made and
 * initialised by the app (it knows whether Postgres is embedded), then handed in here.
 */
@Global()
@Module({})
export class DbModule {
  static forDataSource(ds: DataSource): DynamicModule {
    return {
      module: DbModule,
      providers: [{ provide: DataSource, useValue: ds }, ...REPOSITORIES],
      exports: [DataSource, ...REPOSITORIES],
    };
  }
}

import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import {
  databaseAndBroker,
  groveLoggerModule,
  OpsController,
  READINESS_CHECKS,
  registerFleetGauges,
  ROOT_LOGGER,
  type ApiConfig,
  type Logger,
} from '@grove/core';
import { ActionRepository, DbModule, ServiceRepository } from '@grove/db';
import { POLICY_TYPES, PolicyRegistry } from '@grove/policies';
import { ProfileRegistry } from '@grove/profiles';
import { EngineClient, type BusBackend } from '@grove/rpc';
import { ActionFactory } from './actions/action.factory';
import { ActionsController } from './actions/actions.controller';
import { ActionsService } from './actions/actions.service';
import { BuildInfoController } from './build-info/build-info.controller';
import { ClusterPoliciesController } from './cluster-policies/cluster-policies.controller';
import { ClusterActionsController } from './clusters/cluster-actions.controller';
import { ClusterActionsService } from './clusters/cluster-actions.service';
import { ClusterCollectService } from './clusters/cluster-collect.service';
import { ClustersController } from './clusters/clusters.controller';
import { ClustersService } from './clusters/clusters.service';
import { EventsController } from './events/events.controller';
import { HttpMetricsMiddleware } from './http/http-metrics.middleware';
import { MinVersionGuard } from './http/microversion';
import { API_CONFIG, RequestContextMiddleware } from './http/request-context.middleware';
import { TokenAuth } from './http/token-auth';
import { SenlinErrorFilter } from './http/senlin-error.filter';
import { SenlinValidationPipe } from './http/senlin-validators';
import { NodeActionsService } from './nodes/node-actions.service';
import { NodeAdoptionService } from './nodes/node-adoption.service';
import { NodesController } from './nodes/nodes.controller';
import { NodesService } from './nodes/nodes.service';
import { PoliciesController } from './policies/policies.controller';
import { PoliciesService } from './policies/policies.service';
import { PolicyTypesController } from './policy-types/policy-types.controller';
import { ProfileTypesController } from './profile-types/profile-types.controller';
import { ProfilesController } from './profiles/profiles.controller';
import { ProfilesService } from './profiles/profiles.service';
import { ReceiverActions } from './receivers/receiver-actions.service';
import { API_BUS, ReceiverQueues } from './receivers/receiver-queues.service';
import { ReceiversController } from './receivers/receivers.controller';
import { ReceiversService } from './receivers/receivers.service';
import { WebhooksController } from './receivers/webhooks.controller';
import { WebhooksService } from './receivers/webhooks.service';
import { EventRetention } from './events/event-retention.service';
import { ServicesController } from './services/services.controller';
import { VersionsController } from './versions/versions.controller';

export interface ApiModuleOptions {
  config: ApiConfig;
  dataSource: DataSource;
  bus: BusBackend;
  logger: Logger;
  /** All-in-one mode adds the engine and health-manager modules here. */
  with?: DynamicModule[];
}

const OPS_PATHS = ['healthz', 'readyz', 'metrics'];

/** The Senlin v1 api: HTTP only; everything that needs a cloud goes to an engine over the bus. */
@Module({})
export class ApiAppModule implements NestModule {
  static forRoot(o: ApiModuleOptions): DynamicModule {
    return {
      module: ApiAppModule,
      imports: [groveLoggerModule(o.logger), DbModule.forDataSource(o.dataSource), ...(o.with ?? [])],
      controllers: [
        OpsController,
        VersionsController,
        BuildInfoController,
        ServicesController,
        ProfileTypesController,
        ProfilesController,
        PolicyTypesController,
        PoliciesController,
        ClustersController,
        ClusterActionsController,
        ClusterPoliciesController,
        NodesController,
        ActionsController,
        EventsController,
        ReceiversController,
        WebhooksController,
      ],
      providers: [
        { provide: API_CONFIG, useValue: o.config },
        TokenAuth,
        { provide: API_BUS, useValue: o.bus },
        { provide: ROOT_LOGGER, useValue: o.logger },
        {
          provide: EngineClient,
          useValue: new EngineClient(o.bus, {
            rpcTimeoutMs: o.config.RPC_TIMEOUT_MS,
            onPublishError: (pattern, e) =>
              o.logger.warn({ err: e, pattern }, 'could not announce; an engine scan will find it'),
          }),
        },
        { provide: ProfileRegistry, useValue: new ProfileRegistry() },
        {
          provide: PolicyRegistry,
          useValue: new PolicyRegistry(POLICY_TYPES, { healthCheckIntervalMin: o.config.HEALTH_CHECK_INTERVAL_MIN_S }),
        },
        { provide: READINESS_CHECKS, useValue: databaseAndBroker(o.dataSource, o.bus) },
        {
          // The fleet's queue depth, READY actions and live engines on the api's /metrics too.
          provide: 'FLEET_GAUGES',
          inject: [ActionRepository, ServiceRepository],
          useFactory: (actions: ActionRepository, services: ServiceRepository) =>
            registerFleetGauges({
              queueDepth: () => o.bus.workQueueDepth('engine'),
              readyActions: () => actions.countReady(),
              liveEngines: () => services.countLive('grove-engine', o.config.SERVICE_DEAD_AFTER_S),
            }),
        },
        { provide: APP_FILTER, useClass: SenlinErrorFilter },
        { provide: APP_GUARD, useClass: MinVersionGuard },
        { provide: APP_PIPE, useClass: SenlinValidationPipe },
        ActionFactory,
        ActionsService,
        ProfilesService,
        PoliciesService,
        ClustersService,
        ClusterActionsService,
        ClusterCollectService,
        NodesService,
        NodeActionsService,
        NodeAdoptionService,
        ReceiverActions,
        ReceiverQueues,
        ReceiversService,
        WebhooksService,
        EventRetention,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(HttpMetricsMiddleware, RequestContextMiddleware)
      .exclude(...OPS_PATHS.map((path) => ({ path, method: RequestMethod.GET })))
      .forRoutes('*');
  }
}

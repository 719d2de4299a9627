import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ROOT_LOGGER, type EngineConfig, type Logger } from '@grove/core';
import { CloudConnector } from '@grove/drivers';
import { POLICY_TYPES, PolicyRegistry } from '@grove/policies';
import { ProfileRegistry } from '@grove/profiles';
import { EngineClient, type BusBackend } from '@grove/rpc';
import { ACTION_HANDLERS, ACTION_HELPERS } from './actions/handlers';
import { Scanner } from './dispatcher/scanner';
import { EngineLease } from './engine-lease';
import { ClaimGuard } from './runner/claim-guard';
import { EngineLifecycle } from './engine-lifecycle';
import { HOOK_QUEUES, LifecycleHooks } from './events/lifecycle-hooks';
import { NotificationPublisher } from './events/notification-publisher';
import { ENGINE_BUS, ENGINE_OPTIONS, type EngineOptions } from './engine-options';
import { OwnerTrusts } from './ports/owner-trusts';
import { PolicyPortsFactory } from './ports/policy-ports';
import { ProfileContexts, Profiles } from './ports/profiles';
import { NodeAdoption } from './queries/node-adoption';
import { NodeDetails } from './queries/node-details';
import { NodeHealth } from './queries/node-health';
import { ActionPreview } from './queries/action-preview';
import { PolicyValidation } from './queries/policy-validation';
import { ProfileValidation } from './queries/profile-validation';
import { DeadEngineRecovery } from './recovery/dead-engine-recovery';
import { EngineRpc } from './rpc/engine.rpc';
import { ActionRunner } from './runner/action-runner';
import { BatchedWrites } from './runner/batched-writes';
import { Children } from './runner/children';
import { HandlerRegistry } from './runner/handler-registry';
import { PolicyRunner } from './runner/policy-runner';

export interface EngineModuleOptions {
  config: EngineConfig;
  bus: BusBackend;
  logger: Logger;
  engineId: string;
  host: string;
}

/**
 * The engine: runs actions from the work queue, answers RPC calls that need a driver, and keeps
 * the safety nets (scan, dead-engine recovery). Needs DbModule (global) in the same app; the app
 * connects a BusServer for the `engine` role so that EngineRpc receives messages.
 */
@Module({})
export class EngineModule {
  static forRoot(o: EngineModuleOptions): DynamicModule {
    const c = o.config;
    const options: EngineOptions = { config: c, engineId: o.engineId, host: o.host };
    return {
      module: EngineModule,
      imports: [DiscoveryModule],
      controllers: [EngineRpc],
      providers: [
        { provide: ENGINE_OPTIONS, useValue: options },
        { provide: ENGINE_BUS, useValue: o.bus },
        {
          // As Senlin made the Zaqar queue of a hook when it was missing, Grove declares it first.
          provide: HOOK_QUEUES,
          useValue: {
            sendToQueue: async (name: string, body: unknown) => {
              await o.bus.declareQueue(name);
              await o.bus.sendToQueue(name, body);
            },
          },
        },
        LifecycleHooks,
        { provide: ROOT_LOGGER, useValue: o.logger },
        {
          provide: EngineClient,
          useValue: new EngineClient(o.bus, {
            rpcTimeoutMs: 30_000,
            onPublishError: (pattern, e) =>
              o.logger.warn({ err: e, pattern }, 'could not publish; the scan will retry'),
          }),
        },
        EngineLease,
        ClaimGuard,
        OwnerTrusts,
        {
          provide: CloudConnector,
          inject: [ClaimGuard, OwnerTrusts],
          useFactory: (guard: ClaimGuard, trusts: OwnerTrusts) =>
            new CloudConnector({
              credentials: {
                authUrl: c.CLOUD_AUTH_URL!,
                username: c.CLOUD_USERNAME,
                password: c.CLOUD_PASSWORD!,
                projectName: c.CLOUD_PROJECT_NAME,
                userDomainName: c.CLOUD_USER_DOMAIN_NAME,
                projectDomainName: c.CLOUD_PROJECT_DOMAIN_NAME,
                interface: c.CLOUD_INTERFACE,
                insecure: c.CLOUD_INSECURE,
              },
              requestTimeoutMs: c.CLOUD_REQUEST_TIMEOUT_MS,
              retries: c.CLOUD_RETRIES,
              maxConnections: c.CLOUD_MAX_CONNECTIONS,
              pollMinMs: c.CLOUD_POLL_MIN_MS,
              pollMaxMs: c.CLOUD_POLL_MAX_MS,
              // No change reaches the cloud from an engine others may already take for dead, nor
              // for an action this engine no longer holds.
              beforeChange: () => guard.assertMayChange(),
              trusts: c.AUTH_MODE === 'keystone' ? trusts : undefined,
            }),
        },
        { provide: ProfileRegistry, useValue: new ProfileRegistry() },
        {
          provide: PolicyRegistry,
          useValue: new PolicyRegistry(POLICY_TYPES, { healthCheckIntervalMin: c.HEALTH_CHECK_INTERVAL_MIN_S }),
        },
        PolicyRunner,
        PolicyPortsFactory,
        HandlerRegistry,
        ActionRunner,
        BatchedWrites,
        Children,
        Profiles,
        ProfileContexts,
        NodeDetails,
        NodeHealth,
        NodeAdoption,
        ProfileValidation,
        PolicyValidation,
        ActionPreview,
        DeadEngineRecovery,
        Scanner,
        NotificationPublisher,
        EngineLifecycle,
        ...ACTION_HELPERS,
        ...ACTION_HANDLERS,
      ],
    };
  }
}

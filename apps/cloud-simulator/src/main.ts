import { SeedError, startCloudSimulator } from '@grove/cloud-simulator';
import { createRootLogger, loadConfigOrExit, logReady, onShutdown } from '@grove/core';
import { CloudSimulatorConfig } from './cloud-simulator-config';

/** The simulated cloud as its own process: config from the environment, then listen until told to stop. */
async function main(): Promise<void> {
  const cfg = loadConfigOrExit(CloudSimulatorConfig);
  const log = createRootLogger('grove-cloud-simulator', { level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
  try {
    const sim = await startCloudSimulator({
      port: cfg.SIMULATOR_PORT,
      host: cfg.SIMULATOR_HOST,
      dockerPort: cfg.SIMULATOR_DOCKER_PORT,
      seedFile: cfg.SIMULATOR_SEED_FILE,
      logger: log,
      notifications: cfg.SIMULATOR_NOTIFICATIONS_AMQP_URL
        ? {
            amqpUrl: cfg.SIMULATOR_NOTIFICATIONS_AMQP_URL,
            novaExchange: cfg.SIMULATOR_NOTIFICATIONS_NOVA_EXCHANGE,
            heatExchange: cfg.SIMULATOR_NOTIFICATIONS_HEAT_EXCHANGE,
          }
        : undefined,
    });
    onShutdown(log, [() => sim.close()]);
    logReady(log, `Grove cloud simulator is ready on ${sim.url} (Keystone at ${sim.authUrl})`, {
      authUrl: sim.authUrl,
      dockerPort: sim.dockerPort,
      listing: `${sim.url}/admin/resources`,
    });
  } catch (e) {
    if (e instanceof SeedError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`grove-cloud-simulator failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});

import type { INestApplication } from '@nestjs/common';
import { listenHostOf, noauthExposed, type ApiConfig, type Logger } from '@grove/core';

/**
 * Listens on API_PORT at listenHostOf: loopback unless told otherwise in noauth mode, where
 * whoever reaches the port may claim any project and the admin role, so being told otherwise is
 * worth a warning in the log.
 */
export async function listenApi(app: INestApplication, cfg: ApiConfig, log: Logger): Promise<string> {
  const host = listenHostOf(cfg);
  if (noauthExposed(cfg))
    log.warn(
      { host, authMode: cfg.AUTH_MODE },
      `AUTH_MODE=noauth and API_HOST=${host}: anyone who reaches port ${cfg.API_PORT} can act as any project, admin included; put Keystone in front (AUTH_MODE=keystone) or listen on 127.0.0.1`,
    );
  await app.listen(cfg.API_PORT, host);
  return (await app.getUrl()).replace('[::1]', '127.0.0.1');
}

import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { Api, TokenGuard, type RegionApi } from '../http/api-context';
import { badRequest, conflict, notFound } from '../http/api-error';
import { naiveMicros } from '../http/times';
import type { Keypair } from '../store/resources';
import { schemaError } from './server-create';
import { fingerprintOfPublicKey, generateSshKeypair } from './ssh-keys';

const NAME = /^(?! )[a-zA-Z0-9. _-]+(?<! )$/;

/** Nova keypairs (2.1 shapes): per user and region; Nova generates an RSA key when none is given. */
@Controller(':region/compute/v2.1/os-keypairs')
@UseGuards(TokenGuard)
export class KeypairsController {
  private key(api: RegionApi, name: string): string {
    return `${api.caller.user.id}/${name}`;
  }

  @Get()
  list(@Api() api: RegionApi) {
    const prefix = `${api.caller.user.id}/`;
    const mine = [...api.region.keypairs.entries()].filter(([k]) => k.startsWith(prefix)).map(([, kp]) => kp);
    return {
      keypairs: mine.map((kp) => ({
        keypair: { name: kp.name, public_key: kp.publicKey, fingerprint: kp.fingerprint },
      })),
    };
  }

  @Post()
  @HttpCode(200)
  async create(@Api() api: RegionApi, @Body() body: unknown) {
    const req = (body as { keypair?: unknown } | null)?.keypair;
    if (typeof req !== 'object' || req === null) throw schemaError('keypair', body, "'keypair' is a required property");
    const { name, public_key: publicKey } = req as { name?: unknown; public_key?: unknown };
    if (typeof name !== 'string' || name.length > 255 || !NAME.test(name)) {
      throw schemaError('name', name, `${JSON.stringify(name)} does not match '^(?! )[a-zA-Z0-9. _-]+(?<! )$'`);
    }
    if (api.region.keypairs.has(this.key(api, name))) throw conflict(`Key pair '${name}' already exists.`);
    let made: { publicKey: string; fingerprint: string; privateKey?: string };
    if (publicKey !== undefined) {
      const fingerprint = typeof publicKey === 'string' ? fingerprintOfPublicKey(publicKey) : null;
      if (!fingerprint) throw badRequest('Keypair data is invalid: failed to generate fingerprint');
      made = { publicKey: (publicKey as string).trim(), fingerprint };
    } else {
      made = await generateSshKeypair();
    }
    // Checked again: another request may have taken the name while the key was generated.
    if (api.region.keypairs.has(this.key(api, name))) throw conflict(`Key pair '${name}' already exists.`);
    const kp: Keypair = {
      name,
      userId: api.caller.user.id,
      publicKey: made.publicKey,
      fingerprint: made.fingerprint,
      type: 'ssh',
      created: Date.now(),
      serial: api.region.nextKeypairSerial(),
    };
    api.region.keypairs.set(this.key(api, name), kp);
    const view: Record<string, unknown> = {
      name,
      public_key: kp.publicKey,
      fingerprint: kp.fingerprint,
      user_id: kp.userId,
    };
    if (made.privateKey) view.private_key = made.privateKey;
    return { keypair: view };
  }

  @Get(':name')
  show(@Api() api: RegionApi, @Param('name') name: string) {
    const kp = this.find(api, name);
    return {
      keypair: {
        public_key: kp.publicKey,
        user_id: kp.userId,
        name: kp.name,
        deleted: false,
        created_at: naiveMicros(kp.created),
        updated_at: null,
        fingerprint: kp.fingerprint,
        deleted_at: null,
        id: kp.serial,
      },
    };
  }

  @Delete(':name')
  @HttpCode(202)
  remove(@Api() api: RegionApi, @Param('name') name: string): void {
    this.find(api, name);
    api.region.keypairs.delete(this.key(api, name));
  }

  private find(api: RegionApi, name: string): Keypair {
    const kp = api.region.keypairs.get(this.key(api, name));
    if (!kp) throw notFound(`Keypair ${name} not found for user ${api.caller.user.id}`);
    return kp;
  }
}

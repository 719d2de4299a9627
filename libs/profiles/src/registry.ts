import { InvalidSpec, ResourceNotFound, resolveSpec, S, SpecError, specTypeKey } from '@grove/core';
import { dockerContainerProfile } from './docker-container/docker-container.profile';
import { heatStackProfile } from './heat-stack/heat-stack.profile';
import { novaServerProfile } from './nova-server/nova-server.profile';
import { CONTEXT_KEYS, profileTypeKey, type ProfileType } from './profile-type';

/** Every profile type Grove knows; adding one is a folder and one line here. */
export const PROFILE_TYPES: readonly ProfileType<object>[] = [
  novaServerProfile as ProfileType<object>,
  heatStackProfile as ProfileType<object>,
  dockerContainerProfile as ProfileType<object>,
];

/** A spec checked against its type: the type and the resolved properties. */
export interface ValidatedSpec<P extends object = Record<string, unknown>> {
  type: ProfileType<P>;
  key: string;
  properties: P;
}

/** The envelope every profile spec has, whatever its type. */
const ENVELOPE = {
  type: S.string('Profile type name.', { required: true }),
  version: S.string('Profile type version.', { required: true }),
  properties: S.map('Properties of the profile.', undefined, { required: true }),
};

export class ProfileRegistry {
  private readonly byKey = new Map<string, ProfileType<object>>();

  /** Refuses to start with two types under one key (IM JobRepository.setup). */
  constructor(types: readonly ProfileType<object>[] = PROFILE_TYPES) {
    for (const t of types) {
      const key = profileTypeKey(t);
      if (this.byKey.has(key)) throw new Error(`Two profile types are registered as '${key}'`);
      this.byKey.set(key, t);
    }
  }

  list(): ProfileType<object>[] {
    return [...this.byKey.values()];
  }

  /** The type registered under `name-version`; ResourceNotFound('profile_type') otherwise. */
  get(key: string): ProfileType<object> {
    const t = this.byKey.get(key);
    if (!t) throw new ResourceNotFound('profile_type', key);
    return t;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /**
   * Checks a spec the way Senlin does: a malformed envelope or an unknown type key fails first,
   * then the properties against the type's schema. Throws SpecError (ResourceNotFound for an
   * unknown type).
   */
  validate(spec: unknown): ValidatedSpec<Record<string, unknown>> {
    const { key } = specTypeKey(spec);
    const type = this.get(key);
    const envelope = resolveSpec(ENVELOPE, spec);
    const properties = resolveSpec(type.properties, envelope.properties);
    const context = (properties.context ?? {}) as Record<string, unknown>;
    const bad = Object.keys(context).filter((k) => !(CONTEXT_KEYS as readonly string[]).includes(k));
    if (bad.length)
      throw new SpecError('context', `Some keys in 'context' are invalid: [${bad.map((k) => `'${k}'`).join(', ')}]`);
    type.checkProperties?.(properties);
    return { type: type as unknown as ProfileType<Record<string, unknown>>, key, properties };
  }
}

/** InvalidSpec for a SpecError met while creating profile `name` (Senlin's wording). */
export const invalidProfileSpec = (name: string | null, e: SpecError): InvalidSpec =>
  new InvalidSpec(name === null ? e.reason : `Failed in creating profile ${name}: ${e.reason}`);

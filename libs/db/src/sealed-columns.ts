import type { ValueTransformer } from 'typeorm';
import { seal, sealSecrets, unseal, unsealSecrets } from '@grove/core';

/**
 * Columns whose secrets are encrypted at rest (GROVE_SECRET_KEY, see @grove/core sealing): a JSON
 * document's secret fields (profile specs: admin_pass, user_data, hidden Heat parameters…), or a
 * whole text (a signed webhook's secret). Entities read through toEntities are opened too.
 */
export const SEALED_JSON: ValueTransformer = {
  to: (v: unknown) => (v === null || v === undefined ? v : sealSecrets(v)),
  from: (v: unknown) => (v === null || v === undefined ? v : unsealSecrets(v)),
};

export const SEALED_TEXT: ValueTransformer = {
  to: (v: unknown) => (typeof v === 'string' ? seal(v) : v),
  from: (v: unknown) => unseal(v),
};

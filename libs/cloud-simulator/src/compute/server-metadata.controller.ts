import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { Api, TokenGuard, type RegionApi } from '../http/api-context';
import { badRequest, forbidden, notFound } from '../http/api-error';
import type { Server, VmState } from '../store/resources';
import { SimulatorStore } from '../store/simulator-store';
import { checkMetadata, MAX_METADATA_ITEMS, schemaError } from './server-create';
import { findServer, requireState, requireUnlocked } from './server-state';

/** Nova changes metadata only in these states, and never while a task runs. */
const WRITABLE: VmState[] = ['active', 'paused', 'suspended', 'stopped'];

const field = (body: unknown, key: 'metadata' | 'meta'): unknown =>
  typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;

/** `/servers/{id}/metadata` and `/servers/{id}/metadata/{key}`. */
@Controller(':region/compute/v2.1/servers/:id/metadata')
@UseGuards(TokenGuard)
export class ServerMetadataController {
  constructor(private readonly store: SimulatorStore) {}

  private writable(api: RegionApi, id: string, action: 'update metadata' | 'delete metadata'): Server {
    const s = findServer(this.store, api, id);
    requireUnlocked(s, api.caller.isAdmin);
    requireState(action, s, WRITABLE);
    return s;
  }

  @Get()
  list(@Api() api: RegionApi, @Param('id') id: string) {
    return { metadata: { ...findServer(this.store, api, id).metadata } };
  }

  /** PUT replaces all of it. */
  @Put()
  replace(@Api() api: RegionApi, @Param('id') id: string, @Body() body: unknown) {
    const metadata = field(body, 'metadata');
    if (metadata === undefined) throw schemaError('metadata', body, "'metadata' is a required property");
    const next = checkMetadata(metadata);
    const s = this.writable(api, id, 'update metadata');
    s.metadata = next;
    s.updated = Date.now();
    return { metadata: { ...s.metadata } };
  }

  /** POST merges into what is there. */
  @Post()
  @HttpCode(200)
  merge(@Api() api: RegionApi, @Param('id') id: string, @Body() body: unknown) {
    const metadata = field(body, 'metadata');
    if (metadata === undefined) throw schemaError('metadata', body, "'metadata' is a required property");
    const add = checkMetadata(metadata);
    const s = this.writable(api, id, 'update metadata');
    const merged = { ...s.metadata, ...add };
    if (Object.keys(merged).length > MAX_METADATA_ITEMS)
      throw forbidden(`Maximum number of metadata items exceeds ${MAX_METADATA_ITEMS}`);
    s.metadata = merged;
    s.updated = Date.now();
    return { metadata: { ...s.metadata } };
  }

  @Get(':key')
  show(@Api() api: RegionApi, @Param('id') id: string, @Param('key') key: string) {
    const s = findServer(this.store, api, id);
    if (!(key in s.metadata)) throw notFound('Metadata item was not found');
    return { meta: { [key]: s.metadata[key] } };
  }

  @Put(':key')
  set(@Api() api: RegionApi, @Param('id') id: string, @Param('key') key: string, @Body() body: unknown) {
    const meta = field(body, 'meta');
    if (meta === undefined) throw schemaError('meta', body, "'meta' is a required property");
    const item = checkMetadata(meta, 'meta');
    const keys = Object.keys(item);
    if (keys.length > 1) throw badRequest('Request body contains too many items');
    if (keys[0] !== key) throw badRequest('Request body and URI mismatch');
    const s = this.writable(api, id, 'update metadata');
    if (!(key in s.metadata) && Object.keys(s.metadata).length >= MAX_METADATA_ITEMS) {
      throw forbidden(`Maximum number of metadata items exceeds ${MAX_METADATA_ITEMS}`);
    }
    s.metadata[key] = item[key];
    s.updated = Date.now();
    return { meta: { [key]: item[key] } };
  }

  @Delete(':key')
  @HttpCode(204)
  remove(@Api() api: RegionApi, @Param('id') id: string, @Param('key') key: string): void {
    const s = findServer(this.store, api, id);
    if (!(key in s.metadata)) throw notFound('Metadata item was not found');
    this.writable(api, id, 'delete metadata');
    delete s.metadata[key];
    s.updated = Date.now();
  }
}

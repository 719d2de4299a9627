import { Controller, Get, HttpCode, Inject, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { ApiConfig } from '@grove/core';
import type { GroveRequest } from '../http/grove-request';
import { baseUrl } from '../http/location';
import { MAX_VERSION, MIN_VERSION, versionString } from '../http/microversion';
import { API_CONFIG } from '../http/request-context.middleware';

/** The document keystoneauth's discovery reads to find the v1 endpoint: it must be exact. */
function versionDocument(base: string) {
  return {
    id: '1.0',
    status: 'CURRENT',
    updated: '2016-01-18T00:00:00Z',
    min_version: versionString(MIN_VERSION),
    max_version: versionString(MAX_VERSION),
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.clustering-v1+json' }],
    links: [
      { rel: 'self', href: `${base}/v1` },
      { rel: 'help', href: 'https://docs.openstack.org/api-ref/clustering' },
    ],
  };
}

/** Senlin serves these documents outside its versioned controllers: they carry no version headers. */
const unversioned = (res: Response) => {
  res.removeHeader('OpenStack-API-Version');
  res.removeHeader('Vary');
};

@Controller()
export class VersionsController {
  constructor(@Inject(API_CONFIG) private readonly cfg: ApiConfig) {}

  @Get(['', 'versions'])
  @HttpCode(300)
  versions(@Req() req: GroveRequest, @Res({ passthrough: true }) res: Response) {
    unversioned(res);
    return { versions: [versionDocument(baseUrl(req, this.cfg.API_PUBLIC_URL))] };
  }

  @Get(['v1', 'v1.0'])
  version(@Req() req: GroveRequest, @Res({ passthrough: true }) res: Response) {
    unversioned(res);
    return { version: versionDocument(baseUrl(req, this.cfg.API_PUBLIC_URL)) };
  }
}

import { Controller, Get, Head, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { release } from 'node:os';
import { ApiError } from '../http/api-error';
import { dockerTime } from '../http/times';
import { Host } from './containers.controller';
import { imageId, normalizeImage, type DockerTarget } from './docker-hosts';

export const DOCKER_VERSION = '20.10.24';
export const DOCKER_API_VERSION = '1.41';

/** Every simulated image weighs this much: Docker clients only show it. */
const IMAGE_SIZE = 4_863_296;
const IMAGE_CREATED = Math.floor(Date.UTC(2024, 0, 1) / 1000);

const imageSummary = (ref: string) => ({
  Id: imageId(ref),
  ParentId: '',
  RepoTags: [ref],
  RepoDigests: [],
  Created: IMAGE_CREATED,
  Size: IMAGE_SIZE,
  SharedSize: -1,
  VirtualSize: IMAGE_SIZE,
  Labels: {},
  Containers: -1,
});

/** The Docker Engine API's ping, version, info and images of the host the request arrived at. */
@Controller()
export class DockerSystemController {
  @Get('_ping')
  ping(@Res({ passthrough: true }) res: Response): string {
    res.type('text/plain').setHeader('Cache-Control', 'no-cache, no-store, must-revalidate');
    return 'OK';
  }

  @Head('_ping')
  pingHead(): void {}

  @Get('version')
  version() {
    return {
      Platform: { Name: 'Docker Engine - Community' },
      Components: [
        {
          Name: 'Engine',
          Version: DOCKER_VERSION,
          Details: { ApiVersion: DOCKER_API_VERSION, MinAPIVersion: '1.12', Os: 'linux', Arch: 'amd64' },
        },
      ],
      Version: DOCKER_VERSION,
      ApiVersion: DOCKER_API_VERSION,
      MinAPIVersion: '1.12',
      GitCommit: '5d6db84',
      GoVersion: 'go1.19.7',
      Os: 'linux',
      Arch: 'amd64',
      KernelVersion: release(),
      BuildTime: '2023-04-04T21:18:30.000000000+00:00',
    };
  }

  @Get('info')
  info(@Host() t: DockerTarget) {
    const containers = [...t.host.containers.values()];
    const flavor = t.server && t.region ? t.region.flavors.get(t.server.flavorId) : undefined;
    return {
      ID: t.host.key,
      Containers: containers.length,
      ContainersRunning: containers.filter((c) => c.status === 'running').length,
      ContainersPaused: containers.filter((c) => c.status === 'paused').length,
      ContainersStopped: containers.filter((c) => c.status === 'exited' || c.status === 'created').length,
      Images: t.host.images.size,
      Driver: 'overlay2',
      DockerRootDir: '/var/lib/docker',
      Name: t.server?.name ?? 'local',
      ServerVersion: DOCKER_VERSION,
      OperatingSystem: 'Ubuntu 22.04.4 LTS (simulated)',
      OSType: 'linux',
      Architecture: 'x86_64',
      KernelVersion: release(),
      NCPU: flavor?.vcpus ?? 4,
      MemTotal: (flavor?.ram ?? 8192) * 1024 * 1024,
      Labels: t.server ? [`simulator.server_id=${t.server.id}`, `simulator.region=${t.region?.name ?? ''}`] : [],
      SystemTime: dockerTime(Date.now()),
      ExperimentalBuild: false,
    };
  }

  @Get('images/json')
  images(@Host() t: DockerTarget) {
    return [...t.host.images].sort().map(imageSummary);
  }

  @Get('images/:name/json')
  image(@Host() t: DockerTarget, @Param('name') name: string) {
    const ref = normalizeImage(name);
    if (!t.host.images.has(ref)) throw new ApiError(404, `No such image: ${ref}`);
    return {
      ...imageSummary(ref),
      Os: 'linux',
      Architecture: 'amd64',
      Config: { Cmd: ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Labels: null },
    };
  }

  /** A pull makes any image available on this host; the reply is Docker's stream of progress lines. */
  @Post('images/create')
  @HttpCode(200)
  pull(
    @Host() t: DockerTarget,
    @Query('fromImage') fromImage: string | undefined,
    @Query('tag') tag: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): string {
    if (!fromImage) throw new ApiError(400, 'fromImage is required');
    const ref = normalizeImage(
      tag && !fromImage.includes(':') && !fromImage.includes('@') ? `${fromImage}:${tag}` : fromImage,
    );
    const [repo, version] = [ref.slice(0, ref.lastIndexOf(':')), ref.slice(ref.lastIndexOf(':') + 1)];
    const had = t.host.images.has(ref);
    t.host.images.add(ref);
    res.type('application/json');
    const lines = [
      { status: `Pulling from library/${repo}`, id: version },
      { status: `Digest: ${imageId(ref)}` },
      { status: had ? `Status: Image is up to date for ${ref}` : `Status: Downloaded newer image for ${ref}` },
    ];
    return lines.map((l) => JSON.stringify(l)).join('\r\n') + '\r\n';
  }
}

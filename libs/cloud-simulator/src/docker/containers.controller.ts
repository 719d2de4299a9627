import {
  Body,
  Controller,
  createParamDecorator,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  type ExecutionContext,
} from '@nestjs/common';
import type { Response } from 'express';
import { randomInt } from 'node:crypto';
import { simulatedWaitMs } from '../compute/server-state';
import { ApiError } from '../http/api-error';
import type { Container, ContainerStatus } from '../store/resources';
import { SimulatorStore } from '../store/simulator-store';
import { toContainerInspect, toContainerSummary } from './container.view';
import {
  assignAddress,
  checkName,
  findContainer,
  generatedName,
  imageId,
  newContainerId,
  normalizeImage,
  settleContainer,
  type DockerTarget,
} from './docker-hosts';
import { defaultCmd, lifetimeOf } from './process-model';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The Docker host the request arrived at, resolved by the Docker app's middleware. */
export const Host = createParamDecorator((_: unknown, ctx: ExecutionContext): DockerTarget => {
  const target = ctx.switchToHttp().getRequest<{ dockerTarget?: DockerTarget }>().dockerTarget;
  if (!target) throw new Error('the Docker host middleware did not run');
  return target;
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** A container's `simulated_wait_time` label holds its start, stop, restart and removal this long. */
const waitOf = (c: Container) => simulatedWaitMs(c.labels, 0);

const stringList = (v: unknown, field: string): string[] | null => {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw new ApiError(
    400,
    `json: cannot unmarshal ${typeof v} into Go struct field ContainerConfigWrapper.${field} of type []string`,
  );
};

/** `filters={"label":["k=v"],"name":["x"]}` (or Docker's older map form), as sets of wanted values. */
function parseFilters(raw: string | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!raw) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ApiError(400, `invalid filter '${raw}'`);
  }
  if (!isObject(parsed)) throw new ApiError(400, `invalid filter '${raw}'`);
  for (const [key, v] of Object.entries(parsed)) {
    const values = Array.isArray(v) ? v.map(String) : isObject(v) ? Object.keys(v) : [String(v)];
    out.set(key, values);
  }
  return out;
}

function matchesFilters(c: Container, filters: Map<string, string[]>): boolean {
  for (const [key, wanted] of filters) {
    if (wanted.length === 0) continue;
    switch (key) {
      case 'label':
        // Every label filter must hold: `k` asks for the key, `k=v` for the value too.
        if (
          !wanted.every((w) => {
            const eq = w.indexOf('=');
            return eq < 0 ? w in c.labels : c.labels[w.slice(0, eq)] === w.slice(eq + 1);
          })
        )
          return false;
        break;
      case 'name':
        if (!wanted.some((w) => new RegExp(w.replace(/^\//, '')).test(c.name))) return false;
        break;
      case 'id':
        if (!wanted.some((w) => c.id.startsWith(w))) return false;
        break;
      case 'status':
        if (!wanted.includes(c.status)) return false;
        break;
      case 'ancestor':
        if (!wanted.some((w) => normalizeImage(w) === normalizeImage(c.image))) return false;
        break;
      default:
        throw new ApiError(400, `invalid filter '${key}'`);
    }
  }
  return true;
}

/** The Docker Engine API's containers (1.41) on the host the request arrived at. */
@Controller('containers')
export class ContainersController {
  constructor(private readonly store: SimulatorStore) {}

  @Post('create')
  @HttpCode(201)
  create(@Host() t: DockerTarget, @Query('name') name: string | undefined, @Body() body: unknown) {
    if (!isObject(body) || typeof body.Image !== 'string' || body.Image === '')
      throw new ApiError(400, 'Config cannot be empty in order to create a container');
    const image = normalizeImage(body.Image);
    if (!t.host.images.has(image)) throw new ApiError(404, `No such image: ${image}`);
    const clean = name ? checkName(t.host, name) : generatedName(t.host);
    const labels = body.Labels ?? {};
    if (!isObject(labels) || !Object.values(labels).every((v) => typeof v === 'string')) {
      throw new ApiError(
        400,
        'json: cannot unmarshal into Go struct field ContainerConfigWrapper.Labels of type map[string]string',
      );
    }
    const cmd = stringList(body.Cmd, 'Cmd');
    const entrypoint = stringList(body.Entrypoint, 'Entrypoint');
    const env = stringList(body.Env, 'Env') ?? [];
    const hostConfig = body.HostConfig === undefined || body.HostConfig === null ? {} : body.HostConfig;
    if (!isObject(hostConfig))
      throw new ApiError(400, 'json: cannot unmarshal into Go struct field of type container.HostConfig');
    const {
      Image: _image,
      Cmd: _cmd,
      Entrypoint: _ep,
      Env: _env,
      Labels: _labels,
      HostConfig: _hc,
      ...extraConfig
    } = body;
    const c: Container = {
      id: newContainerId(),
      name: clean,
      image: body.Image,
      imageId: imageId(image),
      cmd: cmd ?? (entrypoint ? null : defaultCmd(image)),
      entrypoint,
      env: env.length ? env : ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      labels: labels as Record<string, string>,
      hostConfig,
      extraConfig,
      status: 'created',
      exitCode: 0,
      pid: 0,
      ipAddress: '',
      created: Date.now(),
      startedAt: null,
      finishedAt: null,
      restartCount: 0,
      exitAt: null,
      plannedExitCode: 0,
    };
    t.host.containers.set(c.id, c);
    t.host.names.set(c.name, c.id);
    return { Id: c.id, Warnings: [] };
  }

  @Get('json')
  list(@Host() t: DockerTarget, @Query() q: Record<string, string | undefined>) {
    const all = ['1', 'true', 'True'].includes(q.all ?? '');
    const filters = parseFilters(q.filters);
    const now = Date.now();
    let out = [...t.host.containers.values()]
      .map((c) => settleContainer(c, now))
      .filter(
        (c) =>
          all || c.status === 'running' || c.status === 'paused' || c.status === 'restarting' || filters.has('status'),
      )
      .filter((c) => matchesFilters(c, filters))
      .reverse();
    if (q.limit !== undefined && Number(q.limit) > 0) out = out.slice(0, Number(q.limit));
    return out.map((c) => toContainerSummary(c, now));
  }

  @Get(':id/json')
  inspect(@Host() t: DockerTarget, @Param('id') id: string) {
    return toContainerInspect(findContainer(t.host, id));
  }

  @Post(':id/start')
  @HttpCode(204)
  async start(
    @Host() t: DockerTarget,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    const c = findContainer(t.host, id);
    if (c.status === 'running') return void res.status(304);
    if (c.status === 'paused') throw new ApiError(409, 'cannot start a paused container, try unpause instead');
    await this.hold(c);
    this.run(t, this.stillThere(t, id));
  }

  @Post(':id/stop')
  @HttpCode(204)
  async stop(
    @Host() t: DockerTarget,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    const c = findContainer(t.host, id);
    if (c.status !== 'running' && c.status !== 'paused') return void res.status(304);
    await this.hold(c);
    this.end(this.stillThere(t, id), 0);
  }

  @Post(':id/restart')
  @HttpCode(204)
  async restart(@Host() t: DockerTarget, @Param('id') id: string): Promise<void> {
    const c = findContainer(t.host, id);
    await this.hold(c);
    const current = this.stillThere(t, id);
    if (current.status === 'running' || current.status === 'paused') this.end(current, 0);
    this.run(t, current);
  }

  @Post(':id/kill')
  @HttpCode(204)
  kill(@Host() t: DockerTarget, @Param('id') id: string, @Query('signal') signal: string | undefined): void {
    const c = findContainer(t.host, id);
    if (c.status !== 'running' && c.status !== 'paused')
      throw new ApiError(409, `Cannot kill container: ${id}: Container ${c.id} is not running`);
    const numbers: Record<string, number> = {
      SIGKILL: 9,
      KILL: 9,
      SIGTERM: 15,
      TERM: 15,
      SIGINT: 2,
      INT: 2,
      SIGHUP: 1,
      HUP: 1,
    };
    const n = signal ? (numbers[signal.toUpperCase()] ?? (Number(signal) || 9)) : 9;
    this.end(c, 128 + n);
  }

  @Post(':id/pause')
  @HttpCode(204)
  pause(@Host() t: DockerTarget, @Param('id') id: string): void {
    const c = findContainer(t.host, id);
    if (c.status === 'paused') throw new ApiError(409, `Container ${c.id} is already paused`);
    if (c.status !== 'running') throw new ApiError(409, `Container ${c.id} is not running`);
    c.status = 'paused';
  }

  @Post(':id/unpause')
  @HttpCode(204)
  unpause(@Host() t: DockerTarget, @Param('id') id: string): void {
    const c = findContainer(t.host, id);
    if (c.status !== 'paused') throw new ApiError(409, `Container ${c.id} is not paused`);
    c.status = 'running';
  }

  @Post(':id/rename')
  @HttpCode(204)
  rename(@Host() t: DockerTarget, @Param('id') id: string, @Query('name') name: string | undefined): void {
    const c = findContainer(t.host, id);
    if (!name) throw new ApiError(400, 'Neither old nor new names may be empty');
    if (name.replace(/^\//, '') === c.name)
      throw new ApiError(409, 'Renaming a container with the same name as its current name');
    const clean = checkName(t.host, name, c.id);
    t.host.names.delete(c.name);
    c.name = clean;
    t.host.names.set(clean, c.id);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(
    @Host() t: DockerTarget,
    @Param('id') id: string,
    @Query('force') force: string | undefined,
  ): Promise<void> {
    const c = findContainer(t.host, id);
    const forced = ['1', 'true', 'True'].includes(force ?? '');
    if (!forced && (c.status === 'running' || c.status === 'paused' || c.status === 'restarting')) {
      const what = c.status === 'paused' ? 'paused' : 'running';
      throw new ApiError(
        409,
        `You cannot remove a ${what} container ${c.id}. ${what === 'paused' ? 'Unpause and then stop' : 'Stop'} the container before attempting removal or force remove`,
      );
    }
    await this.hold(c);
    const gone = t.host.containers.get(c.id);
    if (!gone) throw new ApiError(404, `No such container: ${id}`);
    t.host.containers.delete(c.id);
    t.host.names.delete(c.name);
  }

  private async hold(c: Container): Promise<void> {
    const ms = waitOf(c);
    if (ms > 0) await sleep(ms);
  }

  /** The container after a wait, unless it (or its host) went away meanwhile. */
  private stillThere(t: DockerTarget, id: string): Container {
    const current = this.store.dockerHosts.get(t.host.key);
    if (current !== t.host) throw new ApiError(404, `No such container: ${id}`);
    return findContainer(t.host, id);
  }

  private run(t: DockerTarget, c: Container): void {
    const now = Date.now();
    const lifetime = lifetimeOf(c);
    c.status = 'running' satisfies ContainerStatus;
    c.startedAt = now;
    c.pid = randomInt(1000, 65_000);
    c.exitCode = 0;
    c.exitAt = lifetime ? now + lifetime.afterMs : null;
    c.plannedExitCode = lifetime?.exitCode ?? 0;
    if (!c.ipAddress) assignAddress(t.host, c);
  }

  private end(c: Container, exitCode: number): void {
    c.exitAt = null;
    c.status = 'exited';
    c.exitCode = exitCode;
    c.pid = 0;
    c.finishedAt = Date.now();
    c.ipAddress = '';
  }
}

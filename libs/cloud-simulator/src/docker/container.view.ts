import { dockerTime } from '../http/times';
import type { Container } from '../store/resources';

/** "Up 5 minutes", "Exited (0) 2 hours ago": Docker's human status. */
function ago(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 1) return 'Less than a second';
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.floor(s / 60);
  if (m < 60) return m === 1 ? 'About a minute' : `${m} minutes`;
  const h = Math.floor(m / 60);
  if (h < 48) return h === 1 ? 'About an hour' : `${h} hours`;
  return `${Math.floor(h / 24)} days`;
}

export function humanStatus(c: Container, now: number): string {
  switch (c.status) {
    case 'running':
      return `Up ${ago(now - (c.startedAt ?? now))}`;
    case 'paused':
      return `Up ${ago(now - (c.startedAt ?? now))} (Paused)`;
    case 'exited':
      return `Exited (${c.exitCode}) ${ago(now - (c.finishedAt ?? now))} ago`;
    case 'restarting':
      return `Restarting (${c.exitCode}) ${ago(now - (c.finishedAt ?? now))} ago`;
    default:
      return c.status === 'created' ? 'Created' : c.status;
  }
}

const command = (c: Container): string[] => [...(c.entrypoint ?? []), ...(c.cmd ?? [])];

const networks = (c: Container) => ({
  bridge: {
    NetworkID: 'b8b7e2d0e8a0c1f1d7e6d5c4b3a291807f6e5d4c3b2a19081726354433221100',
    EndpointID: c.ipAddress ? c.id.slice(0, 64) : '',
    Gateway: c.ipAddress ? '172.17.0.1' : '',
    IPAddress: c.ipAddress,
    IPPrefixLen: c.ipAddress ? 16 : 0,
    MacAddress: c.ipAddress
      ? `02:42:ac:11:${c.ipAddress
          .split('.')
          .slice(2)
          .map((o) => Number(o).toString(16).padStart(2, '0'))
          .join(':')}`
      : '',
  },
});

/** `GET /containers/{id}/json` (API 1.41). */
export function toContainerInspect(c: Container): Record<string, unknown> {
  const cmd = command(c);
  const net = networks(c).bridge;
  return {
    Id: c.id,
    Created: dockerTime(c.created),
    Path: cmd[0] ?? '',
    Args: cmd.slice(1),
    State: {
      Status: c.status,
      Running: c.status === 'running' || c.status === 'paused',
      Paused: c.status === 'paused',
      Restarting: c.status === 'restarting',
      OOMKilled: false,
      Dead: c.status === 'dead',
      Pid: c.pid,
      ExitCode: c.exitCode,
      Error: '',
      StartedAt: dockerTime(c.startedAt),
      FinishedAt: dockerTime(c.finishedAt),
    },
    Image: c.imageId,
    Name: `/${c.name}`,
    RestartCount: c.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    HostConfig: { NetworkMode: 'default', RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, ...c.hostConfig },
    Config: {
      Hostname: c.id.slice(0, 12),
      Domainname: '',
      User: '',
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      ...c.extraConfig,
      Env: c.env,
      Cmd: c.cmd,
      Entrypoint: c.entrypoint,
      Image: c.image,
      Labels: { ...c.labels },
    },
    NetworkSettings: {
      Bridge: '',
      SandboxID: '',
      Ports: {},
      Gateway: net.Gateway,
      IPAddress: net.IPAddress,
      IPPrefixLen: net.IPPrefixLen,
      MacAddress: net.MacAddress,
      Networks: networks(c),
    },
    Mounts: [],
  };
}

/** One entry of `GET /containers/json`. */
export function toContainerSummary(c: Container, now: number): Record<string, unknown> {
  return {
    Id: c.id,
    Names: [`/${c.name}`],
    Image: c.image,
    ImageID: c.imageId,
    Command: command(c).join(' '),
    Created: Math.floor(c.created / 1000),
    Ports: [],
    Labels: { ...c.labels },
    State: c.status,
    Status: humanStatus(c, now),
    HostConfig: { NetworkMode: 'default' },
    NetworkSettings: { Networks: networks(c) },
    Mounts: [],
  };
}

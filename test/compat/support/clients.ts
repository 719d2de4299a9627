import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a finished client process printed. */
export interface ProcessOutput {
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<ProcessOutput> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const how = err.killed ? `was killed after ${timeoutMs} ms` : `exited ${String(err.code)}`;
        return reject(new Error(`${file} ${args.join(' ')} ${how}:\n${stdout}\n${stderr}`));
      }
      resolve({ stdout, stderr });
    });
  });
}

/** A command line as words, or as one string split at spaces (for arguments without spaces). */
type Args = string | string[];
const words = (a: Args): string[] => (typeof a === 'string' ? a.split(/\s+/).filter(Boolean) : a);

export interface OpenstackCli {
  /** `openstack <args>`; rejects on a non-zero exit (stderr's deprecation warnings are ignored). */
  run(args: Args): Promise<string>;
  /** `openstack <args> -f json`, parsed. */
  json<T = Record<string, unknown>>(args: Args): Promise<T>;
  /** A command that prints `Request accepted by action: <id>` (attach, detach, shrink, …): that id. */
  accepted(args: Args): Promise<string>;
  /** `cluster delete`, which prints ` <cluster>: accepted by action <id>`: that id. */
  deleteCluster(cluster: string): Promise<string>;
}

/**
 * Debian's real `openstack` CLI (python3-openstackclient with the senlinclient plugin) pointed at
 * Grove without Keystone, as the README's walkthrough does, at the given clustering microversion.
 * It runs with a HOME of its own, so no clouds.yaml of the machine's can leak in.
 */
export function openstackCli(o: { apiUrl: () => string; microversion: string }): OpenstackCli {
  const home = mkdtempSync(join(tmpdir(), 'grove-cli-'));
  const cli: OpenstackCli = {
    run: async (args) => {
      const env = { PATH: process.env.PATH ?? '', HOME: home, OS_AUTH_TYPE: 'none', OS_ENDPOINT: o.apiUrl() };
      const out = await run('openstack', ['--os-clustering-api-version', o.microversion, ...words(args)], env, 120_000);
      return out.stdout;
    },
    json: async <T>(args: Args) => JSON.parse(await cli.run([...words(args), '-f', 'json'])) as T,
    accepted: async (args) => started(args, await cli.run(args), /Request accepted by action: ([0-9a-f-]{36})/),
    deleteCluster: async (cluster) => {
      const args = ['cluster', 'delete', '--force', cluster]; // --force: no yes/no prompt
      return started(args, await cli.run(args), /: accepted by action ([0-9a-f-]{36})/);
    },
  };
  const started = (args: Args, out: string, pattern: RegExp): string => {
    const id = pattern.exec(out)?.[1];
    if (!id) throw new Error(`openstack ${words(args).join(' ')} did not say which action it started:\n${out}`);
    return id;
  };
  return cli;
}

/** The CLI prints dict fields (a receiver's channel, an action's outputs) as JSON text inside its JSON. */
export const jsonField = <T = Record<string, unknown>>(value: unknown): T =>
  (typeof value === 'string' ? JSON.parse(value) : value) as T;

export interface CurlAnswer {
  status: number;
  location: string | null;
  body: string;
}

/** `curl -X POST <url>`: what an alarm or a person does with a webhook's alarm_url (no token, no body). */
export async function curlPost(url: string, headers: Record<string, string> = {}): Promise<CurlAnswer> {
  const h = Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
  const { stdout } = await run(
    'curl',
    ['-sS', '-i', '-X', 'POST', ...h, url],
    { PATH: process.env.PATH ?? '' },
    30_000,
  );
  const [head, ...rest] = stdout.split(/\r?\n\r?\n/);
  const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(head)?.[1]);
  const location = /^location: *(.+?)\s*$/im.exec(head)?.[1] ?? null;
  return { status, location, body: rest.join('\n\n') };
}

/** Runs one Python script with Debian's python3 (and its openstacksdk); rejects on a non-zero exit. */
export async function runPython(
  script: string,
  env: Record<string, string>,
  timeoutMs = 300_000,
): Promise<ProcessOutput> {
  return run('/usr/bin/python3', [script], { PATH: process.env.PATH ?? '', ...env }, timeoutMs);
}

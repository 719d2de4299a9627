// Adds the lock entries that this machine's npm registry cannot provide.
//
// The registry reachable here serves only the linux-x64 builds of packages
// that ship one native binary per platform (@swc/core-darwin-arm64 and the
// like answer 404). `npm install` then leaves those optional packages out of
// package-lock.json, and `npm ci` refuses the lock as out of sync with
// package.json. npm never downloads an optional package whose os/cpu does not
// match the machine, so an entry naming its version, os and cpu is all `npm
// ci` needs. Run after every `npm install`: node tools/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const LOCK = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const packages = lock.packages;

const OSES = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'];
const CPUS = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'wasm32'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((part) => OSES.includes(part));
  const cpu = parts.find((part) => CPUS.includes(part));
  return os && cpu ? { os, cpu } : undefined;
}

function isInstalled(parentPath, name) {
  // Node resolution: look beside the parent, then up to the root.
  let dir = parentPath;
  for (;;) {
    if (packages[`${dir ? `${dir}/` : ''}node_modules/${name}`]) return true;
    if (!dir) return false;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut < 0 ? '' : dir.slice(0, cut);
  }
}

const added = [];
const unknown = [];
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    if (isInstalled(path, name)) continue;
    const platform = platformOf(name);
    if (!platform) {
      unknown.push(`${name}@${version} (wanted by ${path || 'the root'})`);
      continue;
    }
    packages[`node_modules/${name}`] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os: [platform.os],
      cpu: [platform.cpu],
    };
    added.push(name);
  }
}

if (unknown.length > 0) {
  console.error(`cannot tell the platform of: ${unknown.join(', ')}`);
  process.exit(1);
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : a.localeCompare(b, 'en'))),
);
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length ? `added ${added.length} platform entries: ${added.join(' ')}` : 'lock file already complete');

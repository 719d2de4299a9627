// Compiles apps, libs, migrations and bench to dist/ with swc (decorator metadata, @grove/* aliases
// rewritten to relative paths) and copies data files such as the simulator's seed. Type checking is
// `npm run typecheck`, kept out of the start path.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
rmSync(`${root}dist`, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [
    `${root}node_modules/@swc/cli/bin/swc.js`,
    'apps',
    'libs',
    'migrations',
    'bench',
    '-d',
    'dist',
    '--copy-files',
    '--ignore',
    '**/*.test.ts,**/*.int-test.ts,**/*.e2e-test.ts,**/project.json',
    '--quiet',
  ],
  { cwd: root, stdio: 'inherit' },
);

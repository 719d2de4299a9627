// Three layers (STYLE.md C14): *.test.ts pure logic, *.int-test.ts on real Postgres, RabbitMQ and a
// simulator, test/e2e and test/compat against the built apps as separate processes.
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
const { paths } = require('./tsconfig.base.json').compilerOptions;

const transform = { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false, sourceMaps: 'inline' }] };
const moduleNameMapper = Object.fromEntries(
  Object.entries(paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);
const base = { transform, moduleNameMapper, testEnvironment: 'node', rootDir: __dirname };

module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,deploy}/**/*.test.ts'] },
    {
      ...base,
      displayName: 'int',
      testMatch: ['<rootDir>/{apps,libs}/**/*.int-test.ts'],
      setupFiles: ['<rootDir>/libs/testing/src/use-test-sealing-key.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
    },
    {
      // npm run test:clouds: against the real OpenStack services of test/clouds/*.sh.
      ...base,
      displayName: 'clouds',
      testMatch: ['<rootDir>/test/clouds/**/*.e2e-test.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/{e2e,compat,faults,health}/**/*.e2e-test.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
    },
  ],
};

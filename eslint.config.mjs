// Lint is where the layout rules of ../shared/STYLE.md are enforced: the import table (C2),
// file names with a role suffix (C1) and the api never reaching a cloud (section 2).
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import path from 'node:path';

const ROLE_SUFFIXES = [
  'controller',
  'service',
  'dto',
  'view',
  'entity',
  'repository',
  'handler',
  'profile',
  'policy',
  'properties',
  'driver',
  'rpc',
  'module',
  'factory',
  'test',
  'int-test',
  'e2e-test',
  // Roles STYLE's own examples use beyond the C1 list: senlin-error.filter.ts (C4), engine.client.ts
  // (layout table), plus the RPC contract files and Nest middleware.
  'filter',
  'middleware',
  'client',
  'contract',
];
const TEST_SUFFIXES = ['test', 'int-test', 'e2e-test'];
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** C1: kebab-case file stems, and a dotted part must be one of the role suffixes. */
const fileNames = {
  meta: { type: 'suggestion', schema: [] },
  create(context) {
    const base = path.basename(context.filename).replace(/\.ts$/, '');
    const [stem, ...roles] = base.split('.');
    // A test of a role-suffixed file carries both: action.repository.int-test.ts.
    const role = roles.length === 2 && TEST_SUFFIXES.includes(roles[1]) ? roles[0] : roles.join('.');
    const ok = KEBAB.test(stem) && (role === '' || ROLE_SUFFIXES.includes(role));
    return ok
      ? {}
      : {
          Program(node) {
            context.report({
              node,
              message: `File name '${base}.ts' must be kebab-case with an optional role suffix (${ROLE_SUFFIXES.join(', ')}).`,
            });
          },
        };
  },
};

const libs = (...names) => names.map((n) => `lib:${n}`);

export default [
  { ignores: ['dist/**', 'node_modules/**', '.nx/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...nx.configs['flat/base'],
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { grove: { rules: { 'file-names': fileNames } } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      'grove/file-names': 'error',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          banTransitiveDependencies: false,
          // The database and driver libs' own tests use the test harness, which builds on those
          // libs: edges of test files only, so no cycle in shipped code.
          ignoredCircularDependencies: [
            ['lib-db', 'lib-testing'],
            ['lib-drivers', 'lib-testing'],
          ],
          depConstraints: [
            { sourceTag: 'lib:core', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:migrations', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'lib:db', onlyDependOnLibsWithTags: [...libs('core'), 'type:migrations'] },
            { sourceTag: 'lib:rpc', onlyDependOnLibsWithTags: libs('core') },
            { sourceTag: 'lib:drivers', onlyDependOnLibsWithTags: libs('core') },
            { sourceTag: 'lib:profiles', onlyDependOnLibsWithTags: libs('core', 'drivers') },
            { sourceTag: 'lib:policies', onlyDependOnLibsWithTags: libs('core') },
            {
              sourceTag: 'lib:engine',
              onlyDependOnLibsWithTags: libs('core', 'db', 'rpc', 'profiles', 'policies', 'drivers'),
            },
            { sourceTag: 'lib:health', onlyDependOnLibsWithTags: libs('core', 'db', 'rpc') },
            { sourceTag: 'lib:cloud-simulator', onlyDependOnLibsWithTags: libs('core') },
            { sourceTag: 'lib:testing', onlyDependOnLibsWithTags: ['*'] },
            // The api may load the engine, health and simulator libs only for all-in-one mode;
            // the rule below keeps them out of its HTTP code.
            {
              sourceTag: 'app:api',
              onlyDependOnLibsWithTags: [
                ...libs(
                  'core',
                  'db',
                  'rpc',
                  'profiles',
                  'policies',
                  'drivers',
                  'engine',
                  'health',
                  'cloud-simulator',
                  'testing',
                ),
                'type:migrations',
              ],
            },
            { sourceTag: 'app:engine', onlyDependOnLibsWithTags: libs('core', 'db', 'rpc', 'engine') },
            { sourceTag: 'app:health-manager', onlyDependOnLibsWithTags: libs('core', 'db', 'rpc', 'health') },
            { sourceTag: 'app:cloud-simulator', onlyDependOnLibsWithTags: libs('core', 'cloud-simulator') },
            { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
    },
  },
  {
    // Test support never ships: only tests and the test harness may import @grove/testing.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: [
      '**/*.test.ts',
      '**/*.int-test.ts',
      '**/*.e2e-test.ts',
      'libs/testing/**',
      'apps/api/src/testing/**',
      'apps/api/test/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@grove/testing', message: 'Only tests import @grove/testing.' }] },
      ],
    },
  },
  {
    // The api holds no cloud credentials and never calls a cloud (ARCHITECTURE.md): only its
    // all-in-one bootstrap and the test harness may load the engine, health-manager and simulator.
    // token-auth.ts validates Grove's own users' tokens with Keystone (AUTH_MODE=keystone), as
    // keystonemiddleware does in front of every OpenStack api: authentication, not a cloud call.
    files: ['apps/api/src/**/*.ts'],
    ignores: [
      'apps/api/src/main.ts',
      'apps/api/src/http/token-auth.ts',
      // An operator's command that writes Grove's endpoints into Keystone's catalog.
      'apps/api/src/register-endpoint.ts',
      'apps/api/src/all-in-one/**',
      'apps/api/src/testing/**',
      'apps/api/test/**',
      '**/*.test.ts',
      '**/*.int-test.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...['@grove/engine', '@grove/health', '@grove/drivers', '@grove/cloud-simulator'].map((name) => ({
              name,
              message: 'The api reaches clouds and engines only through RPC (@grove/rpc).',
            })),
            { name: '@grove/testing', message: 'Only tests import @grove/testing.' },
          ],
        },
      ],
    },
  },
  {
    // A lib's own tests may use the test libraries (@grove/testing, a simulator to test against);
    // these edges exist in test files only, so the lib's shipped code keeps the table above.
    files: ['libs/**/*.test.ts', 'libs/**/*.int-test.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          banTransitiveDependencies: false,
          ignoredCircularDependencies: [
            ['lib-db', 'lib-testing'],
            ['lib-drivers', 'lib-testing'],
          ],
          allow: ['^@grove/testing$', '^@grove/cloud-simulator$'],
          depConstraints: [{ sourceTag: '*', onlyDependOnLibsWithTags: ['*'] }],
        },
      ],
    },
  },
  {
    // Migrations are named <epoch>-<kebab-name>.ts and never change after merge.
    files: ['migrations/**/*.ts'],
    rules: { 'grove/file-names': 'off' },
  },
  {
    files: [
      '**/*.test.ts',
      '**/*.int-test.ts',
      '**/*.e2e-test.ts',
      'libs/testing/**/*.ts',
      'test/**/*.ts',
      'bench/**/*.ts',
    ],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];

import defaultSeed from './default-seed.json';
import { loadSeed, SeedError, validateSeed } from './seed';

const problems = (input: unknown): string[] => {
  try {
    validateSeed(input, 'test');
    return [];
  } catch (e) {
    if (e instanceof SeedError) return e.problems;
    throw e;
  }
};

describe('the seed', () => {
  it('has the devstack-like defaults', () => {
    const seed = loadSeed();
    expect(seed.regions).toEqual(['RegionOne', 'RegionTwo']);
    expect(seed.flavors.map((f) => `${f.id}:${f.name}`)).toEqual([
      '1:m1.tiny',
      '2:m1.small',
      '3:m1.medium',
      '4:m1.large',
      '5:m1.xlarge',
    ]);
    expect(seed.networks.map((n) => `${n.name}:${n.subnets[0].cidr}`)).toEqual([
      'private:127.10.0.0/16',
      'public:127.20.0.0/16',
    ]);
    expect(seed.projects.map((p) => p.id)).toEqual([
      'a6212762d41c495e92f583f3e11b843a',
      '16103baacbde4543bc750feec116bf61',
      '5f2a7c0e9b8d4e1fa3c6d7b8e9f01234',
    ]);
  });

  it('reports every problem with its path', () => {
    const bad = {
      ...defaultSeed,
      extra: true,
      availability_zones: [{ name: 'nova', hypervisors: 0 }, { name: 'nova' }],
      users: [{ ...defaultSeed.users[0], roles: [{ project: 'ghost', role: 'king' }] }],
      images: [{ id: 'not-a-uuid', name: 'x' }],
      docker_images: ['Bad Image'],
    };
    expect(problems(bad)).toEqual([
      '(top level).extra: is not a known key',
      'availability_zones[0].hypervisors: must be an integer from 1 to 64',
      "availability_zones[1].name: duplicate zone 'nova' (also at availability_zones[0].name)",
      "users[0].roles[0].project: no project is named or has id 'ghost'",
      "users[0].roles[0].role: no role is named 'king'",
      'images[0].id: must be a UUID',
      "docker_images[0]: 'Bad Image' does not match /^[a-z0-9]+([._/-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$/",
    ]);
  });

  it('refuses what is not an object at all', () => {
    expect(problems([])).toEqual(['(top level): must be an object']);
  });

  it('accepts the default seed unchanged', () => {
    expect(problems(structuredClone(defaultSeed))).toEqual([]);
  });
});

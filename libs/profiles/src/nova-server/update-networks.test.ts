import { planNetworks } from './update-networks';

describe('planNetworks', () => {
  it('leaves unchanged entries alone, whatever their order', () => {
    const nets = [{ network: 'a' }, { network: 'b', fixed_ip: '10.0.0.9' }];
    expect(planNetworks(nets, [...nets].reverse())).toEqual({
      keep: [nets[1], nets[0]],
      regroup: [],
      remove: [],
      add: [],
    });
  });

  it('unplugs removed entries and plugs new ones', () => {
    expect(planNetworks([{ network: 'a' }, { network: 'b' }], [{ network: 'b' }, { network: 'c' }])).toEqual({
      keep: [{ network: 'b' }],
      regroup: [],
      remove: [{ network: 'a' }],
      add: [{ network: 'c' }],
    });
  });

  it('counts equal entries as separate ports', () => {
    expect(planNetworks([{ network: 'a' }], [{ network: 'a' }, { network: 'a' }]).add).toEqual([{ network: 'a' }]);
    expect(planNetworks([{ network: 'a' }, { network: 'a' }], [{ network: 'a' }]).remove).toEqual([{ network: 'a' }]);
  });

  it('keeps the port of an entry whose security groups alone changed', () => {
    expect(
      planNetworks([{ network: 'a', security_groups: ['web'] }], [{ network: 'a', security_groups: ['db'] }]),
    ).toEqual({
      keep: [],
      regroup: [{ from: { network: 'a', security_groups: ['web'] }, to: { network: 'a', security_groups: ['db'] } }],
      remove: [],
      add: [],
    });
  });

  it('replaces the port when the fixed IP changed', () => {
    const plan = planNetworks([{ network: 'a', fixed_ip: '10.0.0.5' }], [{ network: 'a', fixed_ip: '10.0.0.6' }]);
    expect(plan.remove).toHaveLength(1);
    expect(plan.add).toHaveLength(1);
  });
});

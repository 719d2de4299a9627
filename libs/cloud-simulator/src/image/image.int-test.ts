import { useSimulator } from '../testing/simulator-fixture';

const GLANCE = '/RegionOne/image/v2';

describe('Glance v2', () => {
  const f = useSimulator();

  it('lists the seeded images with Glance’s body and filters', async () => {
    const all = await f.call('GET', `${GLANCE}/images`);
    expect(all.status).toBe(200);
    expect(all.body.images.map((i: { name: string }) => i.name).sort()).toEqual([
      'cirros-0.3.5-x86_64-disk',
      'cirros-0.6.2-x86_64-disk',
    ]);
    expect(all.body).toMatchObject({ first: '/v2/images', schema: '/v2/schemas/images' });
    const byName = await f.call('GET', `${GLANCE}/images?name=cirros-0.6.2-x86_64-disk`);
    expect(byName.body.images).toHaveLength(1);
    expect(byName.body.images[0]).toMatchObject({
      id: '55941991-9c07-4db1-8c59-1c7bb6d36aeb',
      status: 'active',
      visibility: 'public',
      disk_format: 'qcow2',
      container_format: 'bare',
      min_disk: 0,
      min_ram: 0,
      size: 21430272,
      self: '/v2/images/55941991-9c07-4db1-8c59-1c7bb6d36aeb',
    });
    expect((await f.call('GET', `${GLANCE}/images?status=queued`)).body.images).toEqual([]);
    const page = await f.call('GET', `${GLANCE}/images?limit=1`);
    expect(page.body.images).toHaveLength(1);
    expect(page.body.next).toContain(`marker=${page.body.images[0].id}`);
    expect((await f.call('GET', `${GLANCE}/images?limit=1&marker=${page.body.images[0].id}`)).body.images).toHaveLength(
      1,
    );
  });

  it('shows an image, and answers 404 for an unknown one', async () => {
    const one = await f.call('GET', `${GLANCE}/images/077f57b0-6c0e-43a3-85fd-2e0fca8230c7`);
    expect(one.body).toMatchObject({ name: 'cirros-0.3.5-x86_64-disk', status: 'active' });
    const none = await f.call('GET', `${GLANCE}/images/00000000-0000-4000-8000-000000000000`);
    expect(none.status).toBe(404);
    expect(none.body.message).toBe('No image found with ID 00000000-0000-4000-8000-000000000000');
  });

  it('has the same images in every region', async () => {
    expect((await f.call('GET', '/RegionTwo/image/v2/images')).body.images).toHaveLength(2);
    expect((await f.call('GET', '/RegionThree/image/v2/images')).status).toBe(404);
  });
});

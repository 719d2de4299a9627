import { Slots } from './slots';

describe('Slots', () => {
  it('lets `size` holders in, queues the rest in order and hands a released slot to the first waiter', async () => {
    const slots = new Slots(2);
    expect(await slots.acquire(1000)).toBe(true);
    expect(await slots.acquire(1000)).toBe(true);
    const order: string[] = [];
    const third = slots.acquire(1000).then((ok) => order.push(`third ${ok}`));
    const fourth = slots.acquire(1000).then((ok) => order.push(`fourth ${ok}`));
    expect(slots.inUse).toBe(2);
    slots.release();
    await third;
    slots.release();
    await fourth;
    expect(order).toEqual(['third true', 'fourth true']);
    expect(slots.inUse).toBe(2);
    slots.release();
    slots.release();
    expect(slots.inUse).toBe(0);
  });

  it('gives up after the wait, and a slot released later goes to the next waiter, not the one that gave up', async () => {
    const slots = new Slots(1);
    await slots.acquire(1000);
    expect(await slots.acquire(20)).toBe(false);
    const later = slots.acquire(1000);
    slots.release();
    expect(await later).toBe(true);
    expect(slots.inUse).toBe(1);
  });
});

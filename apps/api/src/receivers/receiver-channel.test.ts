import type { ApiConfig } from '@grove/core';
import type { GroveRequest } from '../http/grove-request';
import { alarmUrl, brokerChannel, webhookBase, withParams } from './receiver-channel';

const req = (host?: string) => ({ headers: host ? { host } : {}, protocol: 'http' }) as unknown as GroveRequest;
const cfg = (o: Partial<ApiConfig> = {}) => ({ API_PORT: 8777, ...o }) as ApiConfig;

describe('webhook URLs', () => {
  it('sort and encode the params as Python’s urlencode does', () => {
    expect(alarmUrl('http://h/v1', 'r1', { z: 'a b', a: "it's!", n: 2, t: false, o: { k: 1 } })).toBe(
      'http://h/v1/webhooks/r1/trigger?V=2&a=it%27s%21&n=2&o=%7B%27k%27%3A+1%7D&t=False&z=a+b',
    );
    expect(alarmUrl('http://h/v1', 'r1', {})).toBe('http://h/v1/webhooks/r1/trigger?V=2');
  });

  it('keep their base when the params change', () => {
    const url = alarmUrl('https://c.example.com/v1', 'r1', { count: 1 });
    expect(withParams(url, 'r1', { count: 3 })).toBe('https://c.example.com/v1/webhooks/r1/trigger?V=2&count=3');
  });

  it.each([
    [{ RECEIVER_BASE_URL: 'https://hooks.example.com' }, '127.0.0.1:8777', 'https://hooks.example.com/v1'],
    [
      { RECEIVER_BASE_URL: 'https://hooks.example.com/clustering/v1/' },
      undefined,
      'https://hooks.example.com/clustering/v1',
    ],
    [{ API_PUBLIC_URL: 'https://c.example.com' }, '127.0.0.1:8777', 'https://c.example.com/v1'],
    [{}, '127.0.0.1:8777', 'http://127.0.0.1:8777/v1'],
  ])('start with the configured or the requested base (%j, Host %s)', (o, host, base) => {
    expect(webhookBase(cfg(o), req(host))).toBe(base);
  });

  it("fall back to this host's name and the api's port without a Host", () => {
    expect(webhookBase(cfg(), req())).toMatch(/^http:\/\/[^/]+:8777\/v1$/);
  });
});

describe('message receiver channels', () => {
  it('say where the broker is and never who logs in', () => {
    expect(brokerChannel('q', 'amqp://guest:guest@mq:5673/grove%2Fprod')).toEqual({
      queue_name: 'q',
      host: 'mq',
      port: 5673,
      vhost: 'grove/prod',
    });
    expect(brokerChannel('q', 'amqps://user:pw@mq.example.com')).toEqual({
      queue_name: 'q',
      host: 'mq.example.com',
      port: 5671,
      vhost: '/',
    });
  });
});

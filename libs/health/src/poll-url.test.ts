import { pollUrlFor } from './poll-url';

describe('pollUrlFor', () => {
  it('puts the node name in the path percent-encoded, in the host only as a DNS label', () => {
    expect(pollUrlFor('http://10.0.0.5:8080/health/{nodename}', 'node-1')?.href).toBe(
      'http://10.0.0.5:8080/health/node-1',
    );
    expect(pollUrlFor('http://10.0.0.5/h?n={nodename}', 'a b/../c')?.href).toBe('http://10.0.0.5/h?n=a%20b%2F..%2Fc');
    expect(pollUrlFor('https://{nodename}.apps.example.com/ok', 'web-3')?.host).toBe('web-3.apps.example.com');
  });

  it('refuses a name that would take the poll to another host', () => {
    expect(pollUrlFor('http://{nodename}.apps.example.com/ok', 'evil.com/x?')).toBeNull();
    expect(pollUrlFor('http://{nodename}.apps.example.com/ok', 'user@evil')).toBeNull();
    expect(pollUrlFor('http://{nodename}:80/ok', 'a:1')).toBeNull();
  });

  it('refuses what is not an http(s) URL', () => {
    expect(pollUrlFor('file:///etc/passwd', 'n')).toBeNull();
    expect(pollUrlFor('not a url', 'n')).toBeNull();
    expect(pollUrlFor('', 'n')).toBeNull();
  });
});

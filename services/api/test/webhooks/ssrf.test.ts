import t from 'tap';
import { addressProblem, assertSafeWebhookUrl } from '../../src/webhooks/ssrf.js';

const dns: Record<string, string[]> = {
  'hooks.example.org': ['93.184.216.34'],
  'internal.example.org': ['10.1.2.3'],
  'mixed.example.org': ['93.184.216.34', '192.168.1.9'],
};
const resolveHost = async (host: string) => dns[host] ?? [];
const production = { production: true, allowLocalhost: false, resolveHost };

t.test('addresses: loopback, private, link-local and metadata are refused; public ones pass', async (t) => {
  for (const ip of [
    '127.0.0.1',
    '::1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.0.1',
    '169.254.169.254',
    'fe80::1',
    'fd00:ec2::254',
    '::ffff:10.0.0.1',
    '::ffff:7f00:1',
    '0.0.0.0',
    '100.64.0.1',
  ]) {
    t.ok(addressProblem(ip, false), ip);
  }
  for (const ip of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '8.8.8.8'])
    t.equal(addressProblem(ip, false), undefined, ip);
  t.equal(addressProblem('127.0.0.1', true), undefined, 'the dev flag allows loopback');
  t.ok(addressProblem('169.254.169.254', true), 'but never the metadata address');
});

t.test('URLs in production mode', async (t) => {
  await t.resolves(assertSafeWebhookUrl('https://hooks.example.org/platescale', production));
  for (const [url, reason] of [
    ['http://hooks.example.org/x', /https is required/],
    ['https://127.0.0.1:8443/x', /loopback/],
    ['http://169.254.169.254/latest/meta-data', /https is required/],
    ['https://169.254.169.254/latest/meta-data', /metadata/],
    ['https://internal.example.org/x', /10\.1\.2\.3.*private/],
    ['https://mixed.example.org/x', /192\.168\.1\.9/],
    ['https://nowhere.example.org/x', /does not resolve/],
    ['https://user:pw@hooks.example.org/x', /credentials/],
    ['ftp://hooks.example.org/x', /scheme/],
  ] as const) {
    await t.rejects(assertSafeWebhookUrl(url, production), { code: 'unsafe_webhook_url', message: reason }, url);
  }
  await t.resolves(
    assertSafeWebhookUrl('http://localhost:9000/hook', {
      production: false,
      allowLocalhost: true,
      resolveHost: async () => ['127.0.0.1'],
    }),
    'development mode with the dev flag: http://localhost',
  );
});

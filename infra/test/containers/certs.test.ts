import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const bundlePath = fileURLToPath(new URL('../../certs/rds-global-bundle.pem', import.meta.url));
const pems =
  readFileSync(bundlePath, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];

t.test('the RDS bundle the API image trusts: unexpired Amazon RDS certificate authorities only', async (t) => {
  t.ok(pems.length >= 81, `${pems.length} certificates`);
  const now = Date.now();
  const problems = pems.flatMap((pem) => {
    const cert = new X509Certificate(pem);
    const cn = /^CN=(.+)$/m.exec(cert.subject)?.[1] ?? cert.subject;
    const wrong = [
      cert.ca ? '' : 'not a CA',
      /^O=Amazon Web Services\\?, Inc\.$/m.test(cert.subject) && /^OU=Amazon RDS$/m.test(cert.subject)
        ? ''
        : 'not Amazon RDS',
      new Date(cert.validTo).getTime() > now ? '' : `expired ${cert.validTo}`,
      cert.checkIssued(cert) && !cert.verify(cert.publicKey) ? 'self-signature does not verify' : '',
    ].filter(Boolean);
    return wrong.length > 0 ? [`${cn}: ${wrong.join(', ')}`] : [];
  });
  t.same(problems, [], 'every certificate: a CA, issued for Amazon RDS, unexpired, its self-signature valid');
});

t.test(
  'Node loads it as NODE_EXTRA_CA_CERTS without a warning (the comments are outside the PEM blocks)',
  async (t) => {
    const run = spawnSync(process.execPath, ['-e', 'require("node:tls").createSecureContext()'], {
      env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: bundlePath },
      encoding: 'utf8',
    });
    t.equal(run.status, 0);
    t.equal(run.stderr, '', 'no "Ignoring extra certs" warning');
  },
);

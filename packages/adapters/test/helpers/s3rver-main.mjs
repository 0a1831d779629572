// Runs s3rver on an ephemeral loopback port: `node --openssl-legacy-provider s3rver-main.mjs <dir> <bucket>…`.
// Prints {"port":N} once listening; stops when stdin closes (its parent is gone) or on SIGTERM.
// The legacy provider: s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only has there.
import S3rver from 's3rver';

const [directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: buckets.map((name) => ({ name })),
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
const stop = () => server.close().finally(() => process.exit(0));
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);

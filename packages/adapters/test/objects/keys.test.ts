import { UnsafeKeyError, ValidationError } from '@platescale/shared';
import t from 'tap';
import { assertBucketName, assertSafeKey, pageSize } from '../../src/objects/keys.js';

t.test('keys that could escape the bucket directory are refused', async (t) => {
  for (const key of ['', '/etc/passwd', '../x', 'a/../../x', 'a/./b', 'a//b', 'a/', 'a\\b', 'a\0b', '..', '.']) {
    t.throws(() => assertSafeKey(key), UnsafeKeyError, JSON.stringify(key));
  }
  t.throws(() => assertSafeKey('k'.repeat(1025)), UnsafeKeyError);
  for (const key of ['a', 'exp/plate 1/A01_s1_w1.tif', '..x/y', 'a/.hidden', 'é/ü']) {
    t.doesNotThrow(() => assertSafeKey(key), key);
  }
});

t.test('bucket names follow S3 rules', async (t) => {
  for (const bucket of ['..', 'a', 'Upper', '.tmp', 'a..b', 'x/y', '-ab']) {
    t.throws(() => assertBucketName(bucket), ValidationError, bucket);
  }
  t.doesNotThrow(() => assertBucketName('platescale-results.dev'));
});

t.test('page size is clamped to 1..1000', async (t) => {
  t.equal(pageSize(undefined), 1000);
  t.equal(pageSize(0), 1000);
  t.equal(pageSize(5000), 1000);
  t.equal(pageSize(7), 7);
});

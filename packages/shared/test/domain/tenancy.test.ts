import t from 'tap';
import { isTenantKey, tenantImageRoot, tenantPrefixes } from '../../src/domain/tenancy.js';

t.test("a tenant's keys and prefixes lie in its own folder of each namespace", async (t) => {
  t.same(tenantPrefixes('t1'), ['tenants/t1/', 'uploads/t1/', 'models/t1/', 'training/t1/']);
  t.equal(tenantImageRoot('lab.a'), 'tenants/lab.a/');
  for (const key of [
    'tenants/t1/exp/A01_w1.tif',
    'tenants/t1/',
    'tenants/t1/exp/',
    'uploads/t1/ab.png',
    'uploads/t1/',
    'models/t1/x.onnx',
    'training/t1/u/0/labels',
  ]) {
    t.ok(isTenantKey('t1', key), key);
  }
});

t.test(
  "another tenant's folders, shared namespaces, and keys that could resolve elsewhere are not the tenant's",
  async (t) => {
    for (const key of [
      'tenants/t2/exp/A01_w1.tif',
      'tenants/t10/x.tif',
      'tenants/t1',
      'tenants/t1x/a.tif',
      'uploads/t2/ab.png',
      'models/t2/x.onnx',
      'jobs/job_1/manifest.json',
      'experiments/AS_09125/',
      'uploads/',
      '',
      '/tenants/t1/a.tif',
      'tenants/t1/../t2/a.tif',
      'tenants/t1/./a.tif',
      'tenants/t1//a.tif',
      'tenants/t1/a\\..\\b.tif',
      'tenants/t1/a\0.tif',
    ]) {
      t.notOk(isTenantKey('t1', key), JSON.stringify(key));
    }
  },
);

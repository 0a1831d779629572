import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Least-privilege statements with explicit action names: CDK's grant helpers use wildcards such as
 * `s3:GetObject*` and `s3:List*`, which the tests forbid on data services.
 */
export const policies = {
  readObjects: (bucket: s3.IBucket, prefix = '') =>
    new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(`${prefix}*`)] }),
  writeObjects: (bucket: s3.IBucket, prefix: string) =>
    new iam.PolicyStatement({
      actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      resources: [bucket.arnForObjects(`${prefix}*`)],
    }),
  deleteObjects: (bucket: s3.IBucket, prefix: string) =>
    new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: [bucket.arnForObjects(`${prefix}*`)] }),
  listBucket: (bucket: s3.IBucket) =>
    new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
  readSecret: (secretArn: string) =>
    new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: [secretArn],
    }),
  putEvents: (busArn: string) => new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [busArn] }),
};

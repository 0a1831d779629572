import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { PlatescaleConfig } from '../config.js';

/**
 * Where job results live. The execution input names one bucket for an experiment's images and its results
 * (AnalysisInput.bucket), so the split is by prefix: the workflow may write only under RESULTS_PREFIX
 * (per-job tables, masks, manifest and the Map's ResultWriter output at jobs/<id>/map), and images anywhere
 * else in the bucket are read-only to it.
 */
export const RESULTS_PREFIX = 'jobs/';

export class Storage extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, config: PlatescaleConfig) {
    super(scope, id);
    const removalPolicy = config.storage.retainOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const common = {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy,
    };
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...common,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
    });
    this.bucket = new s3.Bucket(this, 'Data', {
      ...common,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'data/',
      lifecycleRules: [
        {
          id: 'expire-job-results',
          prefix: RESULTS_PREFIX,
          expiration: Duration.days(config.storage.resultsExpirationDays),
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        {
          id: 'images-to-intelligent-tiering',
          transitions: [{ storageClass: s3.StorageClass.INTELLIGENT_TIERING, transitionAfter: Duration.days(30) }],
        },
      ],
    });
  }
}

import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { PlatescaleConfig } from '../config.js';

/** Characters a generated password leaves out so it can sit in a postgres:// URL without escaping. */
const URL_UNSAFE = ' %+~`#$&*()|[]{}:;<>?!\'/@"\\,=^';

/** RDS Postgres in the isolated subnets; its credentials live in Secrets Manager, never in the template. */
export class Database extends Construct {
  readonly instance: rds.DatabaseInstance;
  readonly secret: secretsmanager.ISecret;

  constructor(
    scope: Construct,
    id: string,
    props: { config: PlatescaleConfig; vpc: ec2.IVpc; securityGroup: ec2.ISecurityGroup },
  ) {
    super(scope, id);
    const { database } = props.config;
    this.instance = new rds.DatabaseInstance(this, 'Postgres', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }),
      instanceType: new ec2.InstanceType(database.instanceType),
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [props.securityGroup],
      databaseName: 'platescale',
      credentials: rds.Credentials.fromGeneratedSecret('platescale', { excludeCharacters: URL_UNSAFE }),
      multiAz: database.multiAz,
      allocatedStorage: database.allocatedStorageGb,
      maxAllocatedStorage: database.maxAllocatedStorageGb,
      storageType: rds.StorageType.GP3,
      storageEncrypted: true,
      backupRetention: Duration.days(database.backupRetentionDays),
      deletionProtection: database.deletionProtection,
      removalPolicy: database.deletionProtection ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY,
      cloudwatchLogsExports: ['postgresql'],
      enablePerformanceInsights: true,
      autoMinorVersionUpgrade: true,
      parameters: { 'rds.force_ssl': '1' },
    });
    if (!this.instance.secret) throw new Error('RDS did not create a credentials secret');
    this.secret = this.instance.secret;
  }
}

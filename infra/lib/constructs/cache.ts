import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import { Construct } from 'constructs';
import type { PlatescaleConfig } from '../config.js';

/** ElastiCache Redis for the API's experiment cache: TLS in transit, encrypted at rest, isolated subnets. */
export class Cache extends Construct {
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** rediss:// URL of the primary endpoint (REDIS_URL). */
  readonly url: string;

  constructor(
    scope: Construct,
    id: string,
    props: { config: PlatescaleConfig; vpc: ec2.IVpc; securityGroup: ec2.ISecurityGroup },
  ) {
    super(scope, id);
    const subnets = new elasticache.CfnSubnetGroup(this, 'Subnets', {
      description: 'platescale Redis',
      subnetIds: props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds,
    });
    const replicas = props.config.cache.replicas;
    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'Redis', {
      replicationGroupDescription: `platescale ${props.config.name} cache`,
      engine: 'redis',
      engineVersion: '7.1',
      cacheNodeType: props.config.cache.nodeType,
      numCacheClusters: 1 + replicas,
      automaticFailoverEnabled: replicas > 0,
      multiAzEnabled: replicas > 0,
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      cacheSubnetGroupName: subnets.ref,
      securityGroupIds: [props.securityGroup.securityGroupId],
    });
    this.url = `rediss://${this.replicationGroup.attrPrimaryEndPointAddress}:${this.replicationGroup.attrPrimaryEndPointPort}`;
  }
}

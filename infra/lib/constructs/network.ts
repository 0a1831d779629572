import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { PlatescaleConfig } from '../config.js';

/**
 * VPC with public subnets (ALB, NAT), private subnets with egress (API tasks, database-facing Lambdas) and
 * isolated subnets (RDS, ElastiCache). S3 traffic goes through a gateway endpoint, not the NAT.
 */
export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  readonly apiSecurityGroup: ec2.SecurityGroup;
  readonly functionSecurityGroup: ec2.SecurityGroup;
  readonly databaseSecurityGroup: ec2.SecurityGroup;
  readonly cacheSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, config: PlatescaleConfig) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: config.network.maxAzs,
      natGateways: config.network.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    this.vpc.addFlowLog('FlowLog', { trafficType: ec2.FlowLogTrafficType.REJECT });

    const sg = (name: string, description: string) =>
      new ec2.SecurityGroup(this, name, { vpc: this.vpc, description, allowAllOutbound: true });
    this.apiSecurityGroup = sg('ApiSecurityGroup', 'platescale API tasks');
    this.functionSecurityGroup = sg('FunctionSecurityGroup', 'platescale Lambdas that reach the database');
    this.databaseSecurityGroup = sg('DatabaseSecurityGroup', 'platescale Postgres');
    this.cacheSecurityGroup = sg('CacheSecurityGroup', 'platescale Redis');
    for (const client of [this.apiSecurityGroup, this.functionSecurityGroup]) {
      this.databaseSecurityGroup.addIngressRule(client, ec2.Port.tcp(5432), 'Postgres from the app tier');
    }
    this.cacheSecurityGroup.addIngressRule(this.apiSecurityGroup, ec2.Port.tcp(6379), 'Redis from the API');
  }
}

// The part of aws-cdk-lib v2 and constructs that write-policy --fmt cdk
// uses, declared from the AWS CDK API reference (aws-cdk-lib.aws_iam:
// PolicyStatement, PolicyStatementProps, Effect, ManagedPolicy,
// ManagedPolicyProps; constructs: Construct), so that the TypeScript
// compiler checks the output's names and types without the 40 MB
// package. Only TestCDKTypeScript reads it.
declare module 'constructs' {
  export interface IConstruct {}
  export class Construct implements IConstruct {
    constructor(scope: Construct, id: string);
  }
}

declare module 'aws-cdk-lib/aws-iam' {
  import { Construct } from 'constructs';

  export enum Effect {
    ALLOW = 'Allow',
    DENY = 'Deny',
  }

  export interface IPrincipal {}

  export interface PolicyStatementProps {
    readonly sid?: string;
    readonly effect?: Effect;
    readonly actions?: string[];
    readonly notActions?: string[];
    readonly resources?: string[];
    readonly notResources?: string[];
    readonly principals?: IPrincipal[];
    readonly notPrincipals?: IPrincipal[];
    readonly conditions?: { [key: string]: any };
  }

  export class PolicyStatement {
    static fromJson(obj: any): PolicyStatement;
    constructor(props?: PolicyStatementProps);
  }

  export interface PolicyDocumentProps {
    readonly statements?: PolicyStatement[];
  }

  export class PolicyDocument {
    constructor(props?: PolicyDocumentProps);
  }

  export interface ManagedPolicyProps {
    readonly managedPolicyName?: string;
    readonly description?: string;
    readonly path?: string;
    readonly statements?: PolicyStatement[];
    readonly document?: PolicyDocument;
  }

  export class ManagedPolicy extends Construct {
    constructor(scope: Construct, id: string, props?: ManagedPolicyProps);
  }
}

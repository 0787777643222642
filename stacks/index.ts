/**
 * `pulumi up -s <agency>`: one agency instance from stacks/Pulumi.<agency>.yaml.
 */
import * as pulumi from "@pulumi/pulumi";
import { deployAgency } from "./program";

const instance = deployAgency(pulumi.runtime.allConfig());

export const url = instance.url;
export const healthUrl = instance.healthUrl;
export const imageDigest = instance.imageDigest;
export const previousImageDigest = instance.previousImageDigest;
export const appDatabaseName = instance.appDatabaseName;
export const auditDatabaseName = instance.auditDatabaseName;
export const databaseUrl = instance.databaseUrl;
export const auditDatabaseUrl = instance.auditDatabaseUrl;
export const runbook = instance.runbook;
export const runbookCommands = instance.runbookCommands;
// Docker: read back by the next update (components/docker/job-ledger.ts, components/config.ts).
export const jobLedger = "jobLedger" in instance ? instance.jobLedger : undefined;
export const protectedSettings = "protectedSettings" in instance ? instance.protectedSettings : undefined;

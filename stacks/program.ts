/**
 * The stack program's one decision: read the stack's `agency-deploy:*` config, validate it, and
 * build the agency instance for its target. Invalid configuration stops the program with every
 * problem listed by key, without a stack trace and with nothing registered.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AgencyInstanceArgs } from "../components/args";
import { ConfigError, parseInstanceSettings, rawSettingsFromConfig } from "../components/config";
import { AzureAgencyInstance } from "../components/azure";
import { DockerAgencyInstance } from "../components/docker";
import type { RunbookCommands } from "../components/runbook";

/** What every target exports as stack outputs. */
export interface InstanceOutputs {
  url: pulumi.Output<string>;
  healthUrl: pulumi.Output<string>;
  imageDigest: pulumi.Output<string>;
  /** The image released before this one: the rollback target. */
  previousImageDigest: pulumi.Output<string>;
  appDatabaseName: pulumi.Output<string>;
  auditDatabaseName: pulumi.Output<string>;
  databaseUrl: pulumi.Output<string>;
  auditDatabaseUrl: pulumi.Output<string>;
  /** Markdown: backup, restore, rollback and key rotation commands for the instance. */
  runbook: pulumi.Output<string>;
  runbookCommands: pulumi.Output<RunbookCommands>;
}

/** Build the instance the config describes; the component is named after the agency. */
export function deployAgency(allConfig: Record<string, string>): DockerAgencyInstance | AzureAgencyInstance {
  const raw = rawSettingsFromConfig(allConfig);
  let target: string;
  let agency: string;
  try {
    ({ target, agency } = parseInstanceSettings(raw));
  } catch (err) {
    if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
    throw err;
  }
  // The components validate again with the same schema; `raw` passed it just above.
  const args = raw as AgencyInstanceArgs;
  return target === "azure" ? new AzureAgencyInstance(agency, args) : new DockerAgencyInstance(agency, args);
}

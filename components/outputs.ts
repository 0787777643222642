/**
 * What every agency instance gives back, whatever its target: one interface that
 * DockerAgencyInstance and AzureAgencyInstance implement, that each registers as its component
 * outputs and that the stack program exports as stack outputs.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { RunbookCommands } from "./runbook";

export interface AgencyInstanceOutputs {
  /** Public URL of the instance. */
  readonly url: pulumi.Output<string>;
  /** URL of the liveness endpoint. */
  readonly healthUrl: pulumi.Output<string>;
  /** The image the instance runs, by digest (the image ID of a local build). */
  readonly imageDigest: pulumi.Output<string>;
  /** The image released before this one ("" before the second release): what a rollback re-deploys. */
  readonly previousImageDigest: pulumi.Output<string>;
  /** Name of the app database. */
  readonly appDatabaseName: pulumi.Output<string>;
  /** Name of the audit database. */
  readonly auditDatabaseName: pulumi.Output<string>;
  /** Connection string of the app database (secret). */
  readonly databaseUrl: pulumi.Output<string>;
  /** Connection string of the audit database (secret). */
  readonly auditDatabaseUrl: pulumi.Output<string>;
  /** Markdown: the exact backup, restore, rollback and key rotation commands for this instance. */
  readonly runbook: pulumi.Output<string>;
  /** The runbook's four procedures, as the reliability report lists them. */
  readonly runbookCommands: pulumi.Output<RunbookCommands>;
}

/** The names of the outputs, in the order stacks export them; the type check keeps it complete. */
export const INSTANCE_OUTPUT_NAMES = [
  "url",
  "healthUrl",
  "imageDigest",
  "previousImageDigest",
  "appDatabaseName",
  "auditDatabaseName",
  "databaseUrl",
  "auditDatabaseUrl",
  "runbook",
  "runbookCommands",
] as const satisfies readonly (keyof AgencyInstanceOutputs)[];

// Fails to compile when an output is added to the interface but not to the list above.
const everyOutputListed: Exclude<
  keyof AgencyInstanceOutputs,
  (typeof INSTANCE_OUTPUT_NAMES)[number]
> extends never
  ? true
  : never = true;
void everyOutputListed;

/** Outputs that carry credentials: secret at run time, and marked `secret` in the package schema. */
export const SECRET_OUTPUT_NAMES: readonly (keyof AgencyInstanceOutputs)[] = [
  "databaseUrl",
  "auditDatabaseUrl",
];

/** The common outputs of an instance as a plain object: for registerOutputs and stack exports. */
export function instanceOutputs(instance: AgencyInstanceOutputs): AgencyInstanceOutputs {
  const outputs: Partial<Record<keyof AgencyInstanceOutputs, unknown>> = {};
  for (const name of INSTANCE_OUTPUT_NAMES) outputs[name] = instance[name];
  // Complete: the list holds every key of the interface (checked above), each copied as is.
  return outputs as unknown as AgencyInstanceOutputs;
}

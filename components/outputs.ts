/**
 * What every agency instance gives back, whatever its target: one interface that
 * DockerAgencyInstance and AzureAgencyInstance implement, that each registers as its component
 * outputs and that the stack program exports as stack outputs.
 */
import type { DockerAgencyInstance } from "./docker/instance";

/** The names of the outputs, in the order stacks export them. */
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
] as const;

/**
 * The outputs every instance has. Declared, with their descriptions, on the instance classes
 * themselves, because Pulumi's component analyzer builds the package schema from a component
 * class's own property declarations (analyzer.js analyzeComponent: `classSymbol.members`) and
 * reads no interface or base class; this picks the list above from the Docker instance, and
 * AzureAgencyInstance implements it.
 */
export type AgencyInstanceOutputs = Pick<DockerAgencyInstance, (typeof INSTANCE_OUTPUT_NAMES)[number]>;

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

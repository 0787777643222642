/**
 * Calling the pack's CrossGuard policies directly, outside the engine, with the arguments
 * @pulumi/policy's server would build: for tests of the validators as pure functions.
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

export type Policy = ResourceValidationPolicy | StackValidationPolicy;

export const isResourcePolicy = (p: Policy): p is ResourceValidationPolicy => "validateResource" in p;

/** What a validator's `args.notApplicable()` throws here; the engine counts the policy as not applicable. */
export class NotApplicable extends Error {}

function notApplicable(): never {
  throw new NotApplicable();
}

export interface Reported {
  message: string;
  urn?: string;
  enforcementLevel?: string;
}

/** A reportViolation that keeps what it is given; the pack uses both of its forms (see policies/pack/policies.ts). */
export function reporter(into: Reported[]): ReportViolation {
  return ((message: string | Reported, urn?: string) =>
    into.push(typeof message === "string" ? { message, urn } : message)) as ReportViolation;
}

export interface Subject {
  type: string;
  props: Record<string, unknown>;
  name?: string;
  urn?: string;
  protect?: boolean;
}

export function resourceArgs(subject: Subject, config: object = {}): ResourceValidationArgs {
  const name = subject.name ?? "r";
  return {
    type: subject.type,
    props: subject.props,
    urn: subject.urn ?? `urn:pulumi:test::agency-deploy::${subject.type}::${name}`,
    name,
    opts: {
      protect: subject.protect ?? false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
    },
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
}

export function stackArgs(resources: PolicyResource[], config: object = {}): StackValidationArgs {
  return {
    resources,
    stackTags: new Map(),
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
}

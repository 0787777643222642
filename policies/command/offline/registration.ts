/**
 * What the offline runner learns from one program run: every resource registration as the engine
 * would receive it, component outputs, and stack outputs. Plain JSON so it can cross the process
 * boundary between the program host and the runner.
 */

/** A google.protobuf.Struct as JSON, in the engine's wire form: secrets as `{"4dabf18193072939515e22adb298388d": ...}` sig objects, unknowns as the sentinel string. */
export type WireObject = { [key: string]: WireValue };
export type WireValue = null | boolean | number | string | WireValue[] | WireObject;

/** The key that marks a special (secret, resource reference, asset) value on the wire. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface CustomTimeouts {
  /** Seconds, as the engine hands them to analyzers. */
  create: number;
  update: number;
  delete: number;
}

export interface ResourceOptions {
  protect: boolean;
  ignoreChanges: string[];
  /** Undefined when the program did not set it (the engine distinguishes the two). */
  deleteBeforeReplace?: boolean;
  additionalSecretOutputs: string[];
  aliases: string[];
  customTimeouts: CustomTimeouts;
  retainOnDelete: boolean;
  deletedWith: string;
  replaceOnChanges: string[];
}

/** The options of a resource registered with none set, as the engine records them. */
export function defaultResourceOptions(): ResourceOptions {
  return {
    protect: false,
    ignoreChanges: [],
    additionalSecretOutputs: [],
    aliases: [],
    customTimeouts: { create: 0, update: 0, delete: 0 },
    retainOnDelete: false,
    deletedWith: "",
    replaceOnChanges: [],
  };
}

/** One `RegisterResource` request, captured in full, plus the mocked engine's answer. */
export interface Registration {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  /** Parent URN, "" for the root stack resource. */
  parent: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** Provider reference `urn::id` as the SDK sent it; "" when the engine picks the default provider. */
  provider: string;
  /** The package version the SDK asked for (decides the default provider's name). */
  version: string;
  inputs: WireObject;
  options: ResourceOptions;
  /** The id the mocks returned ("" for components). */
  id: string;
  /** Outputs registered later with RegisterResourceOutputs (components, the stack). */
  outputs?: WireObject;
}

/** What a program run produced, in registration order. */
export interface ProgramRun {
  project: string;
  stack: string;
  organization: string;
  registrations: Registration[];
}

/** The root stack resource's type token. */
export const STACK_TYPE = "pulumi:pulumi:Stack";

export function stackUrn(project: string, stack: string): string {
  return `urn:pulumi:${stack}::${project}::${STACK_TYPE}::${project}-${stack}`;
}

/**
 * Records every resource registration a program makes under Pulumi's mocks, with what `setMocks`'
 * `newResource` cannot see: protect, retainOnDelete, dependsOn/dependencies, property
 * dependencies, parent, and which input paths are secret.
 *
 * It wraps Pulumi's own MockMonitor and installs it with `pulumi.runtime.setMockOptions`, so the
 * SDK serialises inputs exactly as it would for the engine.
 *
 *   const capture = installCapture();            // before constructing resources
 *   new DockerAgencyInstance("x", args);
 *   await capture.settled();                     // every registration has reached the monitor
 *   capture.one("docker:index/container:Container", "x-web").inputs.envs
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import type { MockResourceArgs, MockResourceResult } from "@pulumi/pulumi/runtime/mocks";

// Internal SDK modules: untyped in the .d.ts, stable in 3.248 (setMocks uses the same calls).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc") as {
  deserializeProperties(struct: unknown): Record<string, unknown>;
  specialSigKey: string;
  specialSecretSig: string;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const state = require("@pulumi/pulumi/runtime/state") as { getStore(): Record<string, unknown> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

export interface CapturedResource {
  type: string;
  name: string;
  urn: string;
  custom: boolean;
  /** URN of the parent ("" for the stack's children). */
  parent: string;
  /** Inputs as the engine would receive them, secrets unwrapped. */
  inputs: Record<string, unknown>;
  /** Paths of secret inputs, e.g. `envs[4]`, `password`. */
  secretPaths: string[];
  protect: boolean;
  retainOnDelete: boolean;
  /** URNs this resource depends on (dependsOn and input dependencies). */
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** Outputs the engine marks secret (`additionalSecretOutputs`). */
  additionalSecretOutputs: string[];
  /** Property paths whose change replaces the resource (`replaceOnChanges`). */
  replaceOnChanges: string[];
  /** Property paths left out of the diff (`ignoreChanges`). */
  ignoreChanges: string[];
  /** `customTimeouts.create`, "" when unset. */
  createTimeout: string;
}

/** Outputs a mocked provider adds to a resource's state, beyond echoing its inputs. */
export type MockOutputs = (args: MockResourceArgs) => Record<string, unknown>;

export interface CaptureOptions {
  project?: string;
  stack?: string;
  preview?: boolean;
  /** Extra or replacement outputs per resource; merged over `defaultOutputs`. */
  outputs?: MockOutputs;
}

/** A stable fake value per resource name, so tests can tell generations apart. */
export function fakeValue(name: string, length = 64): string {
  return crypto.createHash("sha512").update(name).digest("hex").slice(0, length);
}

/** Plausible provider outputs for the resource types this project uses. */
export const defaultOutputs: MockOutputs = (args) => {
  switch (args.type) {
    case "random:index/randomPassword:RandomPassword":
      return { result: fakeValue(args.name, Number(args.inputs.length ?? 32)) };
    case "random:index/randomBytes:RandomBytes": {
      const bytes = crypto.createHash("sha256").update(args.name).digest();
      return { base64: bytes.toString("base64"), hex: bytes.toString("hex") };
    }
    case "docker:index/image:Image":
      return { repoDigest: `sha256:${fakeValue(args.name)}`, imageName: args.inputs.imageName };
    case "docker:index/remoteImage:RemoteImage":
      return {
        imageId: `sha256:${fakeValue(args.name)}`,
        repoDigest: `${String(args.inputs.name).split(":")[0]}@sha256:${fakeValue(args.name)}`,
      };
    case "docker:index/container:Container":
      return { exitCode: 0 };
    // The provider auto-names these; containers refer to them by name.
    case "docker:index/network:Network":
    case "docker:index/volume:Volume":
      return { name: args.inputs.name ?? `${args.name}-0000000` };
    default:
      return {};
  }
};

function unwrapSecrets(value: unknown, path: string, secretPaths: string[]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(v, `${path}[${i}]`, secretPaths));
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj[rpc.specialSigKey] === rpc.specialSecretSig) {
      secretPaths.push(path);
      return unwrapSecrets(obj.value, path, []);
    }
    return Object.fromEntries(
      Object.entries(obj).map(([k, v]) => [
        k,
        unwrapSecrets(v, path === "" ? k : `${path}.${k}`, secretPaths),
      ]),
    );
  }
  return value;
}

/** The request object the SDK hands to `registerResource` (a generated protobuf message). */
interface RegisterResourceRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): unknown;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getDependenciesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getReplaceonchangesList(): string[];
  getIgnorechangesList(): string[];
  getCustomtimeouts(): { getCreate(): string } | undefined;
  getPropertydependenciesMap(): {
    forEach(cb: (deps: { getUrnsList(): string[] }, key: string) => void): void;
  };
}

class CapturingMonitor extends MockMonitor {
  readonly captured: CapturedResource[] = [];

  constructor(
    mocks: pulumi.runtime.Mocks,
    private readonly stackName: string,
    private readonly projectName: string,
  ) {
    super(mocks);
  }

  // The base class types the request as `any`; narrow it to the fields read here.
  override async registerResource(
    req: RegisterResourceRequest,
    callback: (err: unknown, response: unknown) => void,
  ): Promise<void> {
    const secretPaths: string[] = [];
    const inputs = unwrapSecrets(rpc.deserializeProperties(req.getObject()), "", secretPaths) as Record<
      string,
      unknown
    >;
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => (propertyDependencies[key] = deps.getUrnsList()));
    this.captured.push({
      type: req.getType(),
      name: req.getName(),
      urn: this.urnOf(req.getParent(), req.getType(), req.getName()),
      custom: req.getCustom(),
      parent: req.getParent(),
      inputs,
      secretPaths,
      protect: req.getProtect() === true,
      retainOnDelete: req.getRetainondelete() === true,
      dependencies: req.getDependenciesList(),
      propertyDependencies,
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      replaceOnChanges: req.getReplaceonchangesList(),
      ignoreChanges: req.getIgnorechangesList(),
      createTimeout: req.getCustomtimeouts()?.getCreate() ?? "",
    });
    return super.registerResource(req, callback);
  }

  // A component from an earlier capture may finish registering its outputs after a new capture
  // was installed; MockMonitor would throw (and crash jest) on the URN it never saw.
  override registerResourceOutputs(
    req: { getUrn(): string },
    callback: (err: unknown, response: unknown) => void,
  ): void {
    if (!this.resources.has(req.getUrn())) return callback(null, {});
    super.registerResourceOutputs(req, callback);
  }

  // Same scheme as MockMonitor.newUrn (private there).
  private urnOf(parent: string, type: string, name: string): string {
    let qualified = type;
    if (parent) qualified = `${parent.split("::")[2].split("$").pop()}$${type}`;
    return `urn:pulumi:${this.stackName}::${this.projectName}::${qualified}::${name}`;
  }
}

export class ResourceCapture {
  constructor(private readonly monitor: CapturingMonitor) {}

  get resources(): readonly CapturedResource[] {
    return this.monitor.captured;
  }

  /** Resolves once every registration and output resolution in flight has finished. */
  async settled(): Promise<void> {
    await settings.waitForRPCs();
  }

  ofType(type: string): CapturedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The single resource of this type and name; throws with the names present otherwise. */
  one(type: string, name: string): CapturedResource {
    const found = this.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) {
      const present = this.ofType(type).map((r) => r.name);
      throw new Error(
        `expected one ${type} named ${name}, found ${found.length} (present: ${present.join(", ")})`,
      );
    }
    return found[0];
  }

  /** Whether `dependent` depends on `dependency` (by URN), directly. */
  dependsOn(dependent: CapturedResource, dependency: CapturedResource): boolean {
    return dependent.dependencies.includes(dependency.urn);
  }
}

/**
 * Install a capturing mock monitor for the resources constructed after this call.
 * Call it again (e.g. in beforeEach) for a fresh, empty capture.
 */
export function installCapture(options: CaptureOptions = {}): ResourceCapture {
  const project = options.project ?? "agency-deploy";
  const stack = options.stack ?? "test";
  const mocks: pulumi.runtime.Mocks = {
    newResource: (args: MockResourceArgs): MockResourceResult => ({
      id: args.custom === false ? undefined : `${args.name}-id`,
      state: { ...args.inputs, ...defaultOutputs(args), ...(options.outputs?.(args) ?? {}) },
    }),
    call: (args) => args.inputs,
  };
  const monitor = new CapturingMonitor(mocks, stack, project);
  pulumi.runtime.setMockOptions(monitor, project, stack, options.preview ?? false);
  // setMockOptions resets the engine feature flags; enable them as setMocks does.
  Object.assign(state.getStore(), {
    supportsSecrets: true,
    supportsResourceReferences: true,
    supportsOutputValues: false,
    supportsDeletedWith: true,
    supportsAliasSpecs: true,
    supportsTransforms: false,
  });
  return new ResourceCapture(monitor);
}

/** Resolve an Output in a test (mocks resolve everything). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** A Docker container's `envs`, as captured. */
export function envOf(container: CapturedResource): string[] {
  return container.inputs.envs as string[];
}

/** The value of `name` in a Docker container's `envs`, undefined when it is not set. */
export function envValue(container: CapturedResource, name: string): string | undefined {
  return envOf(container)
    .find((entry) => entry.startsWith(`${name}=`))
    ?.slice(name.length + 1);
}

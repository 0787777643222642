/**
 * The resources a stack program registers, as the offline `check` captures them (the same program
 * host and mocks): every docker.Container with its full inputs, secrets unwrapped, and which
 * containers it depends on; plus the app image's build context and Dockerfile, or the reference of
 * the app image it pulls instead (`image.ref`).
 *
 * Only containers are captured: the web container's HealthGate (components/docker/health-gate.ts),
 * a dynamic resource asking the Docker engine, is not run here (there is no engine); the runner
 * does what the provider's own `wait` does, and the gate is tested against a stand-in engine.
 */
import { effectiveConfig } from "../../../policies/command/offline/check";
import { setConfigValue } from "../../../policies/command/offline/config-overrides";
import { runStackProgram } from "../../../policies/command/offline/program";
import { loadProject } from "../../../policies/command/offline/project";
import {
  SECRET_SIG,
  SIG_KEY,
  type Registration,
  type WireValue,
} from "../../../policies/command/offline/registration";
import { REPO_ROOT } from "../../support/paths";

/** The @pulumi/docker Container inputs the runner honours (v5 names), as the SDK sends them. */
export interface ContainerInputs {
  name?: string;
  image: string;
  entrypoints?: string[];
  command?: string[];
  envs?: string[];
  user?: string;
  workingDir?: string;
  readOnly?: boolean;
  tmpfs?: Record<string, string>;
  volumes?: { volumeName?: string; hostPath?: string; containerPath: string; readOnly?: boolean }[];
  networksAdvanced?: { name: string; aliases?: string[] }[];
  /** `container:<id>` joins another container's network namespace. */
  networkMode?: string;
  healthcheck?: {
    tests: string[];
    interval?: string;
    timeout?: string;
    retries?: number;
    startPeriod?: string;
  };
  capabilities?: { adds?: string[]; drops?: string[] };
  securityOpts?: string[];
  attach?: boolean;
  wait?: boolean;
  restart?: string;
  init?: boolean;
  stopSignal?: string;
  stopTimeout?: number;
  labels?: { label: string; value: string }[];
  ports?: { internal: number; external?: number }[];
}

export interface ContainerSpec {
  /** The resource's logical name, e.g. `local-web-server`. */
  resource: string;
  /** The container's name: its `name` input, else the logical name. */
  name: string;
  urn: string;
  inputs: ContainerInputs;
  /** Logical names of the containers it depends on (dependsOn and input dependencies). */
  dependsOn: string[];
  /** Inputs whose changes do not replace it (`ignoreChanges`). */
  ignoreChanges: string[];
  deleteBeforeReplace: boolean;
  /** `networkMode: container:<id>`: the logical name of the container whose id that is. */
  networkOf?: string;
}

export interface StackSpec {
  stack: string;
  containers: ContainerSpec[];
  /** The docker.Image build of the app (context and Dockerfile, absolute); undefined when it pulls one. */
  appBuild?: { context: string; dockerfile: string };
  /** The reference of the app image the stack pulls (`image.ref`, a docker.RemoteImage) instead. */
  appImageRef?: string;
  /** The container whose logical name ends with `suffix` (e.g. "-release-job"); throws otherwise. */
  container(suffix: string): ContainerSpec;
  /** This release's web container (`<agency>-web-server-<release key>`, web.ts). */
  web(): ContainerSpec;
}

export interface CaptureOptions {
  stack?: string;
  /** `KEY=VALUE` over the stack config, as `agency-deploy check --config`. */
  config?: string[];
  /** Keys removed from the stack config, as `pulumi config rm --path KEY`. */
  unset?: string[];
  mode?: "production" | "demo";
}

function unwrap(value: WireValue): unknown {
  if (Array.isArray(value)) return value.map(unwrap);
  if (value !== null && typeof value === "object") {
    if (value[SIG_KEY] === SECRET_SIG) return unwrap(value.value ?? null);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
  }
  return value;
}

const CONTAINER = "docker:index/container:Container";
const IMAGE = "docker:index/image:Image";
const REMOTE_IMAGE = "docker:index/remoteImage:RemoteImage";
/** The pinned images of the databases and the proxy; any other pulled image is the app's. */
const SERVICE_IMAGE = /^(postgres|caddy):/;

export function stackSpec(stack: string, registrations: readonly Registration[]): StackSpec {
  const containers = registrations.filter((r) => r.type === CONTAINER);
  const byUrn = new Map(containers.map((r) => [r.urn, r.name]));
  const specs: ContainerSpec[] = containers.map((r) => {
    const inputs = unwrap(r.inputs) as ContainerInputs;
    const deps = [...r.dependencies, ...Object.values(r.propertyDependencies).flat()];
    return {
      resource: r.name,
      name: inputs.name ?? r.name,
      urn: r.urn,
      inputs,
      dependsOn: [...new Set(deps.flatMap((urn) => (byUrn.has(urn) ? [byUrn.get(urn)!] : [])))],
      ignoreChanges: r.options.ignoreChanges,
      deleteBeforeReplace: r.options.deleteBeforeReplace === true,
      // The id is an output of the container it names: the dependency recorded for the input.
      networkOf: (r.propertyDependencies.networkMode ?? []).flatMap((urn) => byUrn.get(urn) ?? [])[0],
    };
  });
  const image = registrations.find((r) => r.type === IMAGE);
  const build = image && (unwrap(image.inputs) as { build?: { context: string; dockerfile: string } }).build;
  const pulled = registrations
    .filter((r) => r.type === REMOTE_IMAGE)
    .map((r) => String((unwrap(r.inputs) as { name?: unknown }).name))
    .find((ref) => !SERVICE_IMAGE.test(ref));
  if (!build && pulled === undefined) {
    throw new Error(
      `stack ${stack} has no app image (no ${IMAGE} with a build, no ${REMOTE_IMAGE} of its own)`,
    );
  }
  return {
    stack,
    containers: specs,
    appBuild: build,
    appImageRef: build ? undefined : pulled,
    container(suffix) {
      const found = specs.filter((c) => c.resource.endsWith(suffix));
      if (found.length !== 1) {
        throw new Error(
          `expected one container *${suffix}, found ${specs.map((c) => c.resource).join(", ")}`,
        );
      }
      return found[0];
    },
    web() {
      const found = specs.filter((c) => /-web-server-[0-9a-f]{12}$/.test(c.resource));
      if (found.length !== 1) throw new Error(`expected one web container, found ${found.length}`);
      return found[0];
    },
  };
}

/** Run the stack's program under the offline check's mocks and return what it registered. */
export async function captureStack(options: CaptureOptions = {}): Promise<StackSpec> {
  const stack = options.stack ?? "local";
  const project = loadProject(REPO_ROOT);
  const config = (options.unset ?? []).reduce(
    (values, key) => setConfigValue(values, key, undefined),
    effectiveConfig(project, {
      programDir: REPO_ROOT,
      stack,
      policyPacks: [],
      config: options.config,
      mode: options.mode,
    }),
  );
  const run = await runStackProgram(project, config);
  return stackSpec(stack, run.registrations);
}

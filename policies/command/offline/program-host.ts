/**
 * Child-process entry that runs one Pulumi program the way the Node.js language host does, but
 * against Pulumi's mock resource monitor, and streams every registration to the parent over IPC.
 * One process per stack: Pulumi's runtime keeps module-level state that must not leak between runs.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- the runtime modules must be resolved at run time
   from the program's own directory, so the program and the mocks share one @pulumi/pulumi. */
import Module from "module";
import * as path from "path";
import type * as pulumiType from "@pulumi/pulumi";
import type {
  RegisterResourceRequest,
  RegisterResourceOutputsRequest,
} from "@pulumi/pulumi/proto/resource_pb";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { skipPromiseLeakTracking, type DebuggableModule } from "./promise-tracking";
import { realisticCall, realisticOutputs } from "./realistic-mocks";
import {
  SECRET_SIG,
  SIG_KEY,
  type CustomTimeouts,
  type Registration,
  type WireObject,
  type WireValue,
} from "./registration";

/** What the parent asks the host to run. */
export interface ProgramJob {
  pwd: string;
  program: string;
  rootDirectory: string;
  project: string;
  stack: string;
  organization: string;
  config: Record<string, string>;
  secretKeys: string[];
}

/** Messages the host sends to the parent, in order: registrations/outputs..., then done or failed. */
export type HostMessage =
  | { kind: "registration"; registration: Registration }
  | { kind: "outputs"; urn: string; outputs: WireObject }
  | { kind: "done" }
  | { kind: "failed"; failure: ProgramFailure };

export interface ProgramFailure {
  /** "config": the program rejected its configuration (RunError, ConfigError); "program": anything else. */
  category: "config" | "program";
  message: string;
  stack?: string;
}

type Callback<T> = (err: Error | null, value?: T) => void;

function send(message: HostMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error("program host must be started with an IPC channel"));
    process.send(message, (err: Error | null) => (err ? reject(err) : resolve()));
  });
}

function isSecret(value: WireValue | undefined): boolean {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && value[SIG_KEY] === SECRET_SIG
  );
}

function structJson(struct: Struct | undefined): WireObject {
  return (struct?.toJavaScript() ?? {}) as WireObject;
}

// The SDK sends custom timeouts as Go duration strings ("5m", "1h30m"); analyzers receive seconds.
export function durationSeconds(text: string): number {
  if (!text) return 0;
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6, µs: 1e-6, ns: 1e-9 };
  let total = 0;
  for (const match of text.matchAll(/([0-9.]+)(h|ms|m|s|us|µs|ns)/g))
    total += parseFloat(match[1]) * units[match[2]];
  return total;
}

function captureRegistration(req: RegisterResourceRequest, urn: string, id: string): Registration {
  const timeouts = req.getCustomtimeouts();
  const customTimeouts: CustomTimeouts = {
    create: durationSeconds(timeouts?.getCreate() ?? ""),
    update: durationSeconds(timeouts?.getUpdate() ?? ""),
    delete: durationSeconds(timeouts?.getDelete() ?? ""),
  };
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((deps, key) => {
    propertyDependencies[key] = deps.getUrnsList();
  });
  // Alias specs that name a URN are kept; name/type-based specs need the engine's URN rules.
  const aliases = [
    ...req.getAliasurnsList(),
    ...req
      .getAliasesList()
      .map((a) => a.getUrn())
      .filter((u) => u !== ""),
  ];
  return {
    urn,
    type: req.getType(),
    name: req.getName(),
    custom: req.getCustom(),
    parent: req.getParent(),
    dependencies: req.getDependenciesList(),
    propertyDependencies,
    provider: req.getProvider(),
    version: req.getVersion(),
    inputs: structJson(req.getObject()),
    options: {
      protect: req.getProtect() ?? false,
      ignoreChanges: req.getIgnorechangesList(),
      deleteBeforeReplace: req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined,
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      aliases,
      customTimeouts,
      retainOnDelete: req.getRetainondelete() ?? false,
      deletedWith: req.getDeletedwith(),
      replaceOnChanges: req.getReplaceonchangesList(),
    },
    id,
  };
}

function loadPulumi(pwd: string): typeof pulumiType {
  // The program must share the runtime module the mocks are installed in, so resolve it from the
  // program's directory first (a program may carry its own node_modules).
  try {
    return require(require.resolve("@pulumi/pulumi", { paths: [pwd] })) as typeof pulumiType;
  } catch {
    return require("@pulumi/pulumi") as typeof pulumiType;
  }
}

function classify(pulumi: typeof pulumiType, err: unknown): ProgramFailure {
  if (pulumi.RunError.isInstance(err)) return { category: "config", message: (err as Error).message };
  if (err instanceof Error) {
    const isConfig = err.name === "ConfigError" || err.name === "ConfigMissingError";
    return isConfig
      ? { category: "config", message: err.message }
      : { category: "program", message: err.message, stack: err.stack };
  }
  return { category: "program", message: String(err) };
}

async function runJob(job: ProgramJob): Promise<void> {
  // The same variables the language host sets before it starts `@pulumi/pulumi/cmd/run`.
  Object.assign(process.env, {
    PULUMI_CONFIG: JSON.stringify(job.config),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(job.secretKeys),
    PULUMI_NODEJS_PROJECT: job.project,
    PULUMI_NODEJS_STACK: job.stack,
    PULUMI_NODEJS_ORGANIZATION: job.organization,
    PULUMI_NODEJS_ROOT_DIRECTORY: job.rootDirectory,
    PULUMI_NODEJS_DRY_RUN: "true",
    PULUMI_NODEJS_TYPESCRIPT: process.env.PULUMI_NODEJS_TYPESCRIPT ?? "true",
    // Type errors are tsc's business; transpiling keeps a check of one stack fast.
    PULUMI_NODEJS_TRANSPILE_ONLY: process.env.PULUMI_NODEJS_TRANSPILE_ONLY ?? "true",
  });
  const pulumi = loadPulumi(job.pwd);
  const pulumiDir = path.dirname(
    require.resolve("@pulumi/pulumi/package.json", { paths: [job.pwd, __dirname] }),
  );
  skipPromiseLeakTracking(require(path.join(pulumiDir, "runtime", "debuggable")) as DebuggableModule);
  const { MockMonitor } = require(path.join(pulumiDir, "runtime", "mocks")) as {
    MockMonitor: new (mocks: pulumiType.runtime.Mocks) => {
      resources: Map<string, { urn: string; id: string | null; state: WireObject }>;
      newUrn(parent: string, type: string, name: string): string;
      registerResource(req: RegisterResourceRequest, cb: Callback<unknown>): Promise<void>;
      registerResourceOutputs(req: RegisterResourceOutputsRequest, cb: Callback<unknown>): void;
    };
  };
  const resproto = require(
    path.join(pulumiDir, "proto", "resource_pb"),
  ) as typeof import("@pulumi/pulumi/proto/resource_pb");
  const StructCtor = (
    require(
      require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] }),
    ) as typeof import("google-protobuf/google/protobuf/struct_pb")
  ).Struct;
  const state = require(path.join(pulumiDir, "runtime", "state")) as {
    getStore(): Record<string, unknown>;
  };
  // run.js imports its sibling index.js for one constant, and index.js starts a language-host run
  // (parsing our argv) as soon as it loads; stand in for it with just that constant.
  const indexPath = path.join(pulumiDir, "cmd", "run", "index.js");
  const stub = new Module(indexPath);
  stub.exports = { nodeJSProcessExitedAfterLoggingUserActionableMessage: 32 };
  stub.loaded = true;
  require.cache[indexPath] = stub;
  const { run } = require(path.join(pulumiDir, "cmd", "run", "run")) as {
    run(
      argv: { _: string[]; pwd: string },
      programStarted: () => void,
      reportLoggedError: (err: Error) => void,
      isErrorReported: (err: Error) => boolean,
    ): Promise<unknown>;
  };

  const { serializeProperties } = pulumi.runtime;
  const mocks: pulumiType.runtime.Mocks = { newResource: realisticOutputs, call: realisticCall };
  const pending: Promise<void>[] = [];
  class CapturingMonitor extends MockMonitor {
    /**
     * MockMonitor.registerResource, plus what the engine does with a provider's answer that plain
     * mocks skip: outputs named in additionalSecretOutputs, and outputs whose input was a secret,
     * come back as secrets (otherwise a generated password would flow on in plain text).
     */
    override async registerResource(
      req: RegisterResourceRequest,
      callback: Callback<unknown>,
    ): Promise<void> {
      try {
        const inputs = structJson(req.getObject());
        const result = await mocks.newResource({
          type: req.getType(),
          name: req.getName(),
          inputs: pulumi.runtime.deserializeProperties(req.getObject() ?? new StructCtor()),
          provider: req.getProvider(),
          custom: req.getCustom(),
          id: req.getImportid(),
        });
        const urn = this.newUrn(req.getParent(), req.getType(), req.getName());
        const state = (await serializeProperties("", result.state)) as WireObject;
        const secretOutputs = new Set(req.getAdditionalsecretoutputsList());
        for (const key of Object.keys(state)) {
          if ((secretOutputs.has(key) || isSecret(inputs[key])) && !isSecret(state[key])) {
            state[key] = { [SIG_KEY]: SECRET_SIG, value: state[key] };
          }
        }
        this.resources.set(urn, { urn, id: result.id ?? null, state });
        const response = new resproto.RegisterResourceResponse();
        response.setUrn(urn);
        response.setId(result.id ?? "");
        response.setObject(StructCtor.fromJavaScript(state));
        pending.push(
          send({ kind: "registration", registration: captureRegistration(req, urn, result.id ?? "") }),
        );
        callback(null, response);
      } catch (err) {
        callback(err as Error, undefined);
      }
    }
    override registerResourceOutputs(req: RegisterResourceOutputsRequest, callback: Callback<unknown>): void {
      pending.push(send({ kind: "outputs", urn: req.getUrn(), outputs: structJson(req.getOutputs()) }));
      super.registerResourceOutputs(req, callback);
    }
  }

  pulumi.runtime.setMockOptions(new CapturingMonitor(mocks), job.project, job.stack, true, job.organization);
  // The feature set `setMocks` announces; setMockOptions resets it.
  Object.assign(state.getStore(), {
    supportsSecrets: true,
    supportsResourceReferences: true,
    supportsOutputValues: false,
    supportsDeletedWith: true,
    supportsReplaceWith: true,
    supportsAliasSpecs: true,
    supportsTransforms: false,
    supportsParameterization: true,
    supportsResourceHooks: true,
    supportsErrorHooks: true,
  });

  const loggedErrors = new Set<Error>();
  let firstError: unknown;
  const fail = (err: unknown): void => {
    firstError ??= err;
  };
  // run() logs uncaught errors with log.error; we report them ourselves, classified.
  process.on("uncaughtException", fail);
  process.on("unhandledRejection", fail);
  try {
    await run(
      { _: [job.program], pwd: job.pwd },
      () => undefined,
      (err) => {
        loggedErrors.add(err);
        fail(err);
      },
      (err) => loggedErrors.has(err),
    );
    await pulumi.runtime.disconnect();
  } catch (err) {
    fail(err);
  }
  await Promise.all(pending);
  await send(
    firstError === undefined ? { kind: "done" } : { kind: "failed", failure: classify(pulumi, firstError) },
  );
}

function main(): void {
  process.once("message", (job: ProgramJob) => {
    runJob(job).then(
      // The runtime may hold timers and handles open; the parent has everything it needs.
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.exit(1);
      },
    );
  });
}

if (require.main === module) main();

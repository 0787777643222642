import { spawn, type ChildProcess } from "child_process";
import { type Severity, SOURCE_ROOT_ENV } from "../../protocol";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import * as analyzerrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as engineproto from "@pulumi/pulumi/proto/engine_pb";
import * as enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import type { PolicyPackConfig } from "./policy-pack-config";
import type { EngineResource, ProviderInfo } from "./resource-graph";
import type { Registration, WireObject } from "./registration";
import { UsageError } from "./usage-error";

/** A policy pack that could not be started or configured. */
export class PolicyPackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyPackError";
  }
}

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

export interface PolicyInfo {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  type: "resource" | "stack" | "unknown";
  severity?: Severity;
}

export interface AnalyzerInfo {
  name: string;
  version: string;
  policies: PolicyInfo[];
  initialConfig: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }>;
}

export interface Diagnostic {
  policyName: string;
  policyPackName: string;
  policyPackVersion: string;
  description: string;
  message: string;
  enforcementLevel: EnforcementLevel;
  urn: string;
  severity?: Severity;
}

export interface AnalyzeResult {
  diagnostics: Diagnostic[];
  notApplicable: { policyName: string; reason: string }[];
}

/** The stack a pack is configured for (AnalyzerStackConfigureRequest and the pack's environment). */
export interface StackContext {
  project: string;
  stack: string;
  organization: string;
  dryRun: boolean;
  config: Record<string, string>;
  secretKeys: string[];
}

const ENFORCEMENT: Record<number, EnforcementLevel> = {
  [analyzerproto.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerproto.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzerproto.EnforcementLevel.DISABLED]: "disabled",
  [analyzerproto.EnforcementLevel.REMEDIATE]: "remediate",
};
const ENFORCEMENT_CODE: Record<EnforcementLevel, analyzerproto.EnforcementLevel> = {
  advisory: analyzerproto.EnforcementLevel.ADVISORY,
  mandatory: analyzerproto.EnforcementLevel.MANDATORY,
  disabled: analyzerproto.EnforcementLevel.DISABLED,
  remediate: analyzerproto.EnforcementLevel.REMEDIATE,
};
const SEVERITY: Record<number, Severity | undefined> = {
  [analyzerproto.PolicySeverity.POLICY_SEVERITY_LOW]: "low",
  [analyzerproto.PolicySeverity.POLICY_SEVERITY_MEDIUM]: "medium",
  [analyzerproto.PolicySeverity.POLICY_SEVERITY_HIGH]: "high",
  [analyzerproto.PolicySeverity.POLICY_SEVERITY_CRITICAL]: "critical",
};
const POLICY_TYPE: Record<number, PolicyInfo["type"]> = {
  [analyzerproto.PolicyType.POLICY_TYPE_RESOURCE]: "resource",
  [analyzerproto.PolicyType.POLICY_TYPE_STACK]: "stack",
};

/** A policy pack directory as the CLI reads it (PulumiPolicy.yaml). */
export interface PolicyPackProject {
  dir: string;
  runtime: string;
  runtimeOptions: Record<string, unknown>;
  /** PulumiPolicy.yaml's version wins over the pack's own when set, as in the engine. */
  version: string;
}

export function loadPolicyPackProject(dir: string): PolicyPackProject {
  const file = path.join(path.resolve(dir), "PulumiPolicy.yaml");
  let doc: unknown;
  try {
    doc = yaml.load(fs.readFileSync(file, "utf8"), { filename: file });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(
      err.code === "ENOENT"
        ? `${dir} is not a policy pack: ${file} does not exist`
        : `${file}: ${err.message.split("\n")[0]}`,
    );
  }
  const record = (typeof doc === "object" && doc !== null ? doc : {}) as Record<string, unknown>;
  const runtime = record.runtime;
  const runtimeName =
    typeof runtime === "string" ? runtime : ((runtime as { name?: string } | undefined)?.name ?? "");
  if (runtimeName !== "nodejs")
    throw new UsageError(`${file}: only nodejs policy packs can run offline (runtime is "${runtimeName}")`);
  const options =
    typeof runtime === "object" && runtime !== null
      ? (runtime as { options?: Record<string, unknown> }).options
      : undefined;
  return {
    dir: path.resolve(dir),
    runtime: runtimeName,
    runtimeOptions: options ?? {},
    version:
      typeof record.version === "string"
        ? record.version
        : record.version === undefined
          ? ""
          : String(record.version),
  };
}

function unary<Req, Res>(
  call: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown,
  req: Req,
): Promise<Res> {
  return new Promise((resolve, reject) => call(req, (err, res) => (err ? reject(err) : resolve(res))));
}

/** The part of the engine's host service a pack may call back into: logging. */
export interface EngineLogEntry {
  severity: "debug" | "info" | "warning" | "error";
  message: string;
  urn: string;
}

const LOG_SEVERITY: Record<number, EngineLogEntry["severity"]> = {
  [engineproto.LogSeverity.DEBUG]: "debug",
  [engineproto.LogSeverity.INFO]: "info",
  [engineproto.LogSeverity.WARNING]: "warning",
  [engineproto.LogSeverity.ERROR]: "error",
};

/** A minimal Engine gRPC service, so the address handed to the pack is a live engine. */
export class EngineHost {
  readonly logs: EngineLogEntry[] = [];
  private readonly server = new grpc.Server();
  address = "";

  static async start(): Promise<EngineHost> {
    const host = new EngineHost();
    host.server.addService(enginerpc.EngineService, {
      log: (call: grpc.ServerUnaryCall<engineproto.LogRequest, Empty>, cb: grpc.sendUnaryData<Empty>) => {
        const req = call.request;
        host.logs.push({
          severity: LOG_SEVERITY[req.getSeverity()] ?? "info",
          message: req.getMessage(),
          urn: req.getUrn(),
        });
        cb(null, new Empty());
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      host.server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    host.address = `127.0.0.1:${port}`;
    return host;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }
}

function wireStruct(value: WireObject): Struct {
  // The engine drops internal keys ("__defaults", "__meta") before analyzers see properties.
  const visible = Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith("__")));
  return Struct.fromJavaScript(visible as Parameters<typeof Struct.fromJavaScript>[0]);
}

/** The fields Analyze and AnalyzeStack send alike for one resource (two message types, same setters). */
function describeResource(
  message: analyzerproto.AnalyzeRequest | analyzerproto.AnalyzerResource,
  resource: EngineResource,
): void {
  const r = resource.registration;
  message.setUrn(r.urn);
  message.setType(r.type);
  message.setName(r.name);
  message.setProperties(wireStruct(r.inputs));
  message.setOptions(resourceOptions(r));
  if (resource.provider) message.setProvider(providerResource(resource.provider));
}

function resourceOptions(r: Registration): analyzerproto.AnalyzerResourceOptions {
  const o = r.options;
  const opts = new analyzerproto.AnalyzerResourceOptions();
  opts.setProtect(o.protect);
  opts.setIgnorechangesList(o.ignoreChanges);
  opts.setDeletebeforereplace(o.deleteBeforeReplace ?? false);
  opts.setDeletebeforereplacedefined(o.deleteBeforeReplace !== undefined);
  opts.setAdditionalsecretoutputsList(o.additionalSecretOutputs);
  opts.setAliasesList(o.aliases);
  const timeouts = new analyzerproto.AnalyzerResourceOptions.CustomTimeouts();
  timeouts.setCreate(o.customTimeouts.create);
  timeouts.setUpdate(o.customTimeouts.update);
  timeouts.setDelete(o.customTimeouts.delete);
  opts.setCustomtimeouts(timeouts);
  opts.setParent(r.parent);
  return opts;
}

function providerResource(p: ProviderInfo): analyzerproto.AnalyzerProviderResource {
  const res = new analyzerproto.AnalyzerProviderResource();
  res.setUrn(p.urn);
  res.setType(p.type);
  res.setName(p.name);
  res.setProperties(wireStruct(p.properties));
  return res;
}

function toResult(res: analyzerproto.AnalyzeResponse, packVersion: string): AnalyzeResult {
  return {
    diagnostics: res.getDiagnosticsList().map((d) => ({
      policyName: d.getPolicyname(),
      policyPackName: d.getPolicypackname(),
      // The version from PulumiPolicy.yaml wins over the pack's, as in the engine.
      policyPackVersion: packVersion || d.getPolicypackversion(),
      description: d.getDescription(),
      message: d.getMessage(),
      enforcementLevel: ENFORCEMENT[d.getEnforcementlevel()] ?? "advisory",
      urn: d.getUrn(),
      severity: SEVERITY[d.getSeverity()],
    })),
    notApplicable: res
      .getNotApplicableList()
      .map((n) => ({ policyName: n.getPolicyName(), reason: n.getReason() })),
  };
}

export interface StartOptions {
  engine: EngineHost;
  context: StackContext;
  /** Receives the pack's stderr (its console output), line by line. */
  onStderr?: (line: string) => void;
  /** How long the pack may take to print its port. */
  startTimeoutMs?: number;
  /** The user's policy config (`--policy-pack-config`), over the pack's initial config. */
  policyConfig?: PolicyPackConfig;
  /**
   * The repository an app's own deployment was found in: the pack then writes file locations
   * relative to it (`backend/Dockerfile:3`) rather than to each build context (see SOURCE_ROOT_ENV).
   */
  sourceRoot?: string;
}

/** The environment the CLI gives a Node.js policy pack (constructEnv in the Go SDK). */
export function policyPackEnv(context: StackContext): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (Object.keys(context.config).length > 0) env.PULUMI_CONFIG = JSON.stringify(context.config);
  const set = (key: string, value: string): void => {
    if (value !== "") env[key] = value;
  };
  for (const prefix of ["PULUMI_NODEJS_", "PULUMI_"]) {
    set(`${prefix}ORGANIZATION`, context.organization);
    set(`${prefix}PROJECT`, context.project);
    set(`${prefix}STACK`, context.stack);
    set(`${prefix}DRY_RUN`, String(context.dryRun));
  }
  return env;
}

/**
 * A running policy pack, started the way the Pulumi CLI starts a Node.js pack:
 * `node @pulumi/pulumi/cmd/run-policy-pack <engine-address> .` in the pack's directory, port on stdout.
 */
export class PolicyPackProcess {
  private closed = false;
  private constructor(
    readonly project: PolicyPackProject,
    private readonly child: ChildProcess,
    private readonly client: analyzerrpc.AnalyzerClient,
    readonly info: AnalyzerInfo,
  ) {}

  /** The pack's process id (`npm run bench` reads the pack's own CPU time from it). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(dir: string, options: StartOptions): Promise<PolicyPackProcess> {
    const project = loadPolicyPackProject(dir);
    let runPolicyPack: string;
    try {
      runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [project.dir] });
    } catch {
      throw new UsageError(
        `it looks like the policy pack's dependencies are not installed; try running npm install in ${project.dir}`,
      );
    }
    const args = [runPolicyPack, options.engine.address, "."];
    for (const [k, v] of Object.entries(project.runtimeOptions)) {
      const text = String(v);
      if (text !== "") args.push(`-${k}=${text}`);
    }
    const child = spawn(process.execPath, args, {
      cwd: project.dir,
      env: {
        ...policyPackEnv(options.context),
        ...(options.sourceRoot !== undefined ? { [SOURCE_ROOT_ENV]: options.sourceRoot } : {}),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      stderr = (stderr + text).slice(-8000);
      for (const line of text.split("\n")) if (line.trim() !== "") options.onStderr?.(line);
    });
    const port = await new Promise<number>((resolve, reject) => {
      let stdout = "";
      const timer = setTimeout(() => {
        child.kill();
        reject(
          new PolicyPackError(
            `policy pack ${project.dir} did not report a port within ${options.startTimeoutMs ?? 60000} ms`,
          ),
        );
      }, options.startTimeoutMs ?? 60000);
      child.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = /^\s*(\d+)\s*$/m.exec(stdout);
        if (line) {
          clearTimeout(timer);
          resolve(parseInt(line[1], 10));
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(
          new PolicyPackError(
            `policy pack ${project.dir} failed to start (exit status ${code}):\n${stderr.trim()}`,
          ),
        );
      });
    });
    const client = new analyzerrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": 400 * 1024 * 1024,
    });
    try {
      const info = await PolicyPackProcess.analyzerInfo(client, project.version);
      const pack = new PolicyPackProcess(project, child, client, info);
      await pack.configureStack(options.context);
      await pack.configure(options.policyConfig);
      return pack;
    } catch (e) {
      client.close();
      child.kill();
      throw e;
    }
  }

  private static async analyzerInfo(
    client: analyzerrpc.AnalyzerClient,
    yamlVersion: string,
  ): Promise<AnalyzerInfo> {
    const res = await unary<Empty, analyzerproto.AnalyzerInfo>(
      client.getAnalyzerInfo.bind(client),
      new Empty(),
    );
    const initialConfig: AnalyzerInfo["initialConfig"] = {};
    res.getInitialconfigMap().forEach((v, k) => {
      initialConfig[k] = {
        enforcementLevel: ENFORCEMENT[v.getEnforcementlevel()] ?? "advisory",
        properties: (v.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
      };
    });
    return {
      name: res.getName(),
      version: yamlVersion || res.getVersion(),
      policies: res
        .getPoliciesList()
        .map((p) => ({
          name: p.getName(),
          description: p.getDescription(),
          enforcementLevel: ENFORCEMENT[p.getEnforcementlevel()] ?? "advisory",
          type: POLICY_TYPE[p.getPolicyType()] ?? "unknown",
          severity: SEVERITY[p.getSeverity()],
        }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      initialConfig,
    };
  }

  private async configureStack(context: StackContext): Promise<void> {
    const req = new analyzerproto.AnalyzerStackConfigureRequest();
    req.setStack(context.stack);
    req.setProject(context.project);
    req.setOrganization(context.organization);
    req.setDryRun(context.dryRun);
    for (const [k, v] of Object.entries(context.config)) req.getConfigMap().set(k, v);
    req.setConfigSecretKeysList(context.secretKeys);
    await unary(this.client.configureStack.bind(this.client), req);
  }

  // The engine reconciles the pack's initial config with the user's (the user's level, else
  // `all`, else the pack's; the user's properties over the pack's) and calls Configure only
  // when there is something to say.
  private async configure(user?: PolicyPackConfig): Promise<void> {
    const initial = this.info.initialConfig;
    const names = user === undefined ? Object.keys(initial) : this.info.policies.map((p) => p.name);
    const entries = names.map((name): [string, AnalyzerInfo["initialConfig"][string]] => {
      const own = user?.policies[name];
      const policy = this.info.policies.find((p) => p.name === name);
      return [
        name,
        {
          enforcementLevel:
            own?.enforcementLevel ??
            user?.all ??
            initial[name]?.enforcementLevel ??
            policy?.enforcementLevel ??
            "advisory",
          properties: { ...initial[name]?.properties, ...own?.properties },
        },
      ];
    });
    if (entries.length === 0) return;
    const req = new analyzerproto.ConfigureAnalyzerRequest();
    for (const [name, cfg] of entries) {
      const pc = new analyzerproto.PolicyConfig();
      pc.setEnforcementlevel(ENFORCEMENT_CODE[cfg.enforcementLevel]);
      pc.setProperties(Struct.fromJavaScript(cfg.properties as Parameters<typeof Struct.fromJavaScript>[0]));
      req.getPolicyconfigMap().set(name, pc);
    }
    await unary(this.client.configure.bind(this.client), req);
  }

  /** Analyze one resource, as the engine does when it steps through the resource. */
  async analyze(resource: EngineResource): Promise<AnalyzeResult> {
    const req = new analyzerproto.AnalyzeRequest();
    describeResource(req, resource);
    return toResult(await unary(this.client.analyze.bind(this.client), req), this.project.version);
  }

  /** Analyze the whole deployment once, with parents and (property) dependencies. */
  async analyzeStack(resources: EngineResource[]): Promise<AnalyzeResult> {
    const req = new analyzerproto.AnalyzeStackRequest();
    for (const resource of resources) {
      const r = resource.registration;
      const res = new analyzerproto.AnalyzerResource();
      describeResource(res, resource);
      res.setParent(r.parent);
      res.setDependenciesList(r.dependencies);
      for (const [key, urns] of Object.entries(r.propertyDependencies)) {
        // The engine skips properties without dependencies.
        if (urns.length === 0) continue;
        const deps = new analyzerproto.AnalyzerPropertyDependencies();
        deps.setUrnsList(urns);
        res.getPropertydependenciesMap().set(key, deps);
      }
      req.addResources(res);
    }
    return toResult(await unary(this.client.analyzeStack.bind(this.client), req), this.project.version);
  }

  /** Stop the pack: close the channel, then end the process (the CLI kills plugins on close). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.close();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.kill("SIGTERM");
    });
  }
}

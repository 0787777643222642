/**
 * The real pack, started as `pulumi preview --policy-pack policies` starts it: `node
 * @pulumi/pulumi/cmd/run-policy-pack <engine> .` in policies/, whose package.json names the compiled
 * entry (dist/policies/index.js), driven over the gRPC Analyzer service with resources the Docker
 * components register under Pulumi's mocks.
 */
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import * as analyzerrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { CHECKLIST } from "../../policies/pack/checklist";
import { EngineHost, policyPackEnv } from "../../policies/command/offline/analyzer";
import { loadProject, loadStackConfig } from "../../policies/command/offline/project";
import { deployAgency } from "../../stacks/program";
import { installCapture, valueOf, type CapturedResource } from "../support/capture";
import { REPO_ROOT } from "../support/paths";

const PACK_DIR = path.join(REPO_ROOT, "policies");
const CONTAINER = "docker:index/container:Container";
const MODE_KEY = "agency-deploy:mode";

// ---------------------------------------------------------------------------------------------
// The engine's side of the Analyzer protocol.

interface RunningPack {
  client: analyzerrpc.AnalyzerClient;
  stop(): Promise<void>;
}

interface Diagnostic {
  policyName: string;
  enforcementLevel: string;
  urn: string;
  message: string;
}

/** The enforcement level's name in the protocol (ADVISORY, MANDATORY, ...). */
function levelName(level: analyzerproto.EnforcementLevel): string {
  return (
    Object.entries(analyzerproto.EnforcementLevel).find(([, code]) => code === level)?.[0] ?? String(level)
  );
}

function unary<Req, Res>(
  call: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown,
  req: Req,
): Promise<Res> {
  return new Promise((resolve, reject) => call(req, (err, res) => (err ? reject(err) : resolve(res))));
}

/** The port the pack prints on stdout once its Analyzer server listens. */
function portOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const port = /^\s*(\d+)\s*$/m.exec(stdout);
      if (port) resolve(Number(port[1]));
    });
    child.once("exit", (code) => reject(new Error(`the pack exited with ${code}:\n${stderr}`)));
  });
}

/** `config` is the stack config the language host hands the pack as PULUMI_CONFIG. */
async function startPack(engine: EngineHost, config: Record<string, string> = {}): Promise<RunningPack> {
  const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
  const context = {
    project: "agency-deploy",
    stack: "local",
    organization: "o",
    dryRun: true,
    secretKeys: [],
  };
  const child = spawn(process.execPath, [runPolicyPack, engine.address, "."], {
    cwd: PACK_DIR,
    env: policyPackEnv({ ...context, config }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const port = await portOf(child);
  const client = new analyzerrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    client,
    stop: async () => {
      client.close();
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    },
  };
}

function analyzerInfo(pack: RunningPack): Promise<analyzerproto.AnalyzerInfo> {
  return unary(pack.client.getAnalyzerInfo.bind(pack.client), new Empty());
}

/** Pack config as a user sets it in a policy config file: properties per policy name. */
async function configure(
  pack: RunningPack,
  policies: Record<string, { level: analyzerproto.EnforcementLevel; properties: object }>,
): Promise<void> {
  const req = new analyzerproto.ConfigureAnalyzerRequest();
  for (const [name, { level, properties }] of Object.entries(policies)) {
    const config = new analyzerproto.PolicyConfig();
    config.setEnforcementlevel(level);
    config.setProperties(Struct.fromJavaScript(properties as Parameters<typeof Struct.fromJavaScript>[0]));
    req.getPolicyconfigMap().set(name, config);
  }
  await unary(pack.client.configure.bind(pack.client), req);
}

/** Inputs as the engine hands them to analyzers: internal `__` keys dropped. */
function properties(r: CapturedResource): Struct {
  const visible = Object.entries(r.inputs).filter(([key]) => !key.startsWith("__"));
  return Struct.fromJavaScript(Object.fromEntries(visible) as Parameters<typeof Struct.fromJavaScript>[0]);
}

/** What both Analyze and AnalyzeStack send about a resource: identity, inputs, options. */
function withResource<T extends analyzerproto.AnalyzeRequest | analyzerproto.AnalyzerResource>(
  message: T,
  r: CapturedResource,
): T {
  message.setUrn(r.urn).setType(r.type).setName(r.name).setProperties(properties(r));
  message.setOptions(new analyzerproto.AnalyzerResourceOptions().setProtect(r.protect).setParent(r.parent));
  return message;
}

function diagnostics(res: analyzerproto.AnalyzeResponse): Diagnostic[] {
  return res.getDiagnosticsList().map((d) => ({
    policyName: d.getPolicyname(),
    enforcementLevel: levelName(d.getEnforcementlevel()),
    urn: d.getUrn(),
    message: d.getMessage(),
  }));
}

async function analyze(pack: RunningPack, r: CapturedResource): Promise<Diagnostic[]> {
  const req = withResource(new analyzerproto.AnalyzeRequest(), r);
  return diagnostics(await unary(pack.client.analyze.bind(pack.client), req));
}

/** The whole stack with its graph: parents, dependencies and, where there are any, property dependencies. */
async function analyzeStack(
  pack: RunningPack,
  resources: readonly CapturedResource[],
): Promise<Diagnostic[]> {
  const req = new analyzerproto.AnalyzeStackRequest();
  for (const r of resources) {
    const res = withResource(new analyzerproto.AnalyzerResource(), r).setParent(r.parent);
    res.setDependenciesList(r.dependencies);
    for (const [key, urns] of Object.entries(r.propertyDependencies).filter(([, deps]) => deps.length > 0)) {
      res
        .getPropertydependenciesMap()
        .set(key, new analyzerproto.AnalyzerPropertyDependencies().setUrnsList(urns));
    }
    req.addResources(res);
  }
  return diagnostics(await unary(pack.client.analyzeStack.bind(pack.client), req));
}

// ---------------------------------------------------------------------------------------------
// The sample stack (stacks/Pulumi.local.yaml) as the Docker components register it.

let engine: EngineHost;
let stackResources: CapturedResource[];

async function registerSampleStack(): Promise<CapturedResource[]> {
  const config = loadStackConfig(loadProject(path.join(REPO_ROOT, "stacks")), "local");
  const capture = installCapture({ stack: "local" });
  const instance = deployAgency(config.values);
  await valueOf(instance.url);
  await capture.settled();
  return [...capture.resources];
}

/** A container by logical name; the web container's carries its release key (`local-web-server-<key>`). */
const container = (name: string): CapturedResource =>
  stackResources.find(
    (r) => r.type === CONTAINER && (r.name === name || r.name.replace(/-[0-9a-f]{12}$/, "") === name),
  )!;
const isMandatory = (severity: string): boolean => severity === "critical" || severity === "high";

/** A pack process for the enclosing describe block: started before its tests, stopped after them. */
function packForThisBlock(config: Record<string, string> = {}): () => RunningPack {
  let pack: RunningPack | undefined;
  beforeAll(async () => {
    pack = await startPack(engine, config);
  });
  afterAll(() => pack?.stop());
  return () => pack as RunningPack;
}

/** What CS-1 (non-root-user) says about the sample web container set to run as `user`. */
async function nonRootFindings(pack: RunningPack, user: string): Promise<Diagnostic[]> {
  const web = { ...container("local-web-server") };
  web.inputs = { ...web.inputs, user };
  return (await analyze(pack, web)).filter((d) => d.policyName === "non-root-user");
}

beforeAll(async () => {
  engine = await EngineHost.start();
  stackResources = await registerSampleStack();
}, 120000);

afterAll(async () => {
  await engine?.stop();
});

describe("a stack without agency-deploy:mode (production by default)", () => {
  const pack = packForThisBlock();
  let info: analyzerproto.AnalyzerInfo;
  beforeAll(async () => {
    info = await analyzerInfo(pack());
  });

  it("lists one policy per checklist item, each tagged with exactly its id and category", () => {
    const policies = info.getPoliciesList();
    expect(info.getName()).toBe("deployment-reliability");
    // CHECKLIST.md has 49 items (7 + 8 + 8 + 8 + 3 + 7 + 8), plus the components' contract: SR-9, CH-9 and HC-9.
    expect(policies).toHaveLength(52);
    const ids = policies.flatMap((p) => p.getTagsList().filter((tag) => /^[A-Z]{2}-\d+$/.test(tag)));
    expect([...ids].sort()).toEqual(CHECKLIST.map((item) => item.id).sort());
    for (const policy of policies) {
      const item = CHECKLIST.find((i) => i.policy === policy.getName());
      expect(item).toBeDefined();
      expect(policy.getTagsList()).toEqual([item?.id, item?.category]);
    }
  });

  it("keeps its policy names: kebab-case and the ones pack config and CI logs refer to", () => {
    const names = info.getPoliciesList().map((p) => p.getName());
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(names).toEqual(POLICY_NAMES);
  });

  it("makes critical and high items mandatory and the rest advisory", () => {
    for (const policy of info.getPoliciesList()) {
      const item = CHECKLIST.find((i) => i.policy === policy.getName())!;
      expect([policy.getName(), levelName(policy.getEnforcementlevel())]).toEqual([
        item.policy,
        isMandatory(item.severity) ? "MANDATORY" : "ADVISORY",
      ]);
    }
  });

  it("passes the sample stack's web container", async () => {
    const violations = await analyze(pack(), container("local-web-server"));
    expect(violations).toEqual([]);
  });

  it.each(["0", "root"])("fails a container set to run as user %s with a mandatory CS-1", async (user) => {
    expect(await nonRootFindings(pack(), user)).toEqual([
      expect.objectContaining({
        enforcementLevel: "MANDATORY",
        urn: container("local-web-server").urn,
        message: expect.stringMatching(/Container local-web-server-[0-9a-f]{12} is set to run as root/),
      }),
    ]);
  });

  it("does not ask for the Dockerfiles of the Docker Official Images the stack pulls", async () => {
    const pulled = stackResources.filter((r) => r.type === "docker:index/remoteImage:RemoteImage");
    expect(pulled.map((r) => r.inputs.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^postgres:/), expect.stringMatching(/^caddy:/)]),
    );
    for (const image of pulled) expect(await analyze(pack(), image)).toEqual([]);
  });

  it("finds nothing wrong with the sample stack as a whole", async () => {
    expect(await analyzeStack(pack(), stackResources)).toEqual([]);
  });

  it("fails migrations-before-serving when the web container no longer waits for the release", async () => {
    const release = container("local-release-job");
    const web = container("local-web-server");
    const detached = {
      ...web,
      dependencies: web.dependencies.filter((urn) => urn !== release.urn),
      propertyDependencies: Object.fromEntries(
        Object.entries(web.propertyDependencies).map(([key, urns]) => [
          key,
          urns.filter((u) => u !== release.urn),
        ]),
      ),
    };
    const found = await analyzeStack(
      pack(),
      stackResources.map((r) => (r === web ? detached : r)),
    );
    expect(found).toEqual([
      expect.objectContaining({
        policyName: "migrations-before-serving",
        enforcementLevel: "MANDATORY",
        urn: web.urn,
      }),
    ]);
  });
});

describe("a stack with agency-deploy:mode production", () => {
  const pack = packForThisBlock({ [MODE_KEY]: "production" });

  it("enforces critical and high items", async () => {
    const info = await analyzerInfo(pack());
    const mandatory = info
      .getPoliciesList()
      .filter((p) => levelName(p.getEnforcementlevel()) === "MANDATORY")
      .map((p) => p.getName());
    expect(mandatory).toEqual(CHECKLIST.filter((i) => isMandatory(i.severity)).map((i) => i.policy));
  });
});

describe("a stack with agency-deploy:mode demo", () => {
  const pack = packForThisBlock({ [MODE_KEY]: "demo" });

  it("makes every policy advisory", async () => {
    const info = await analyzerInfo(pack());
    expect(new Set(info.getPoliciesList().map((p) => levelName(p.getEnforcementlevel())))).toEqual(
      new Set(["ADVISORY"]),
    );
  });

  it("still reports a root container, as advisory", async () => {
    expect(await nonRootFindings(pack(), "0")).toEqual([
      expect.objectContaining({ enforcementLevel: "ADVISORY", urn: container("local-web-server").urn }),
    ]);
  });
});

describe("pack config that overrides the stack's mode", () => {
  const pack = packForThisBlock({ [MODE_KEY]: "production" });

  it("judges a policy configured with mode demo as advisory in a production stack", async () => {
    expect(await nonRootFindings(pack(), "root")).toEqual([
      expect.objectContaining({ enforcementLevel: "MANDATORY" }),
    ]);
    await configure(pack(), {
      "non-root-user": { level: analyzerproto.EnforcementLevel.MANDATORY, properties: { mode: "demo" } },
    });
    expect(await nonRootFindings(pack(), "root")).toEqual([
      expect.objectContaining({ enforcementLevel: "ADVISORY", urn: container("local-web-server").urn }),
    ]);
  });
});

/** The public names, in checklist order: renaming one breaks every pack config that uses it. */
const POLICY_NAMES = [
  // Container Security
  "non-root-user",
  "no-secrets-in-image",
  "pinned-supported-base-image",
  "minimal-image-packages",
  "dockerignore-excludes-sensitive-files",
  "copy-excludes-dev-files",
  "runtime-hardening",
  // Startup Reliability
  "migrations-before-serving",
  "migration-failure-blocks-release",
  "audit-database-migrated",
  "seed-failure-warns",
  "security-check-blocks-production",
  "security-check-warns-in-demo",
  "startup-self-contained",
  "single-migration-runner",
  "release-commands-exist",
  // Database Safety
  "database-url-required-secret",
  "audit-database-url-required-secret",
  "database-connection-timeouts",
  "audit-database-router",
  "backup-before-migrate",
  "databases-not-exposed",
  "separate-audit-credentials",
  "supported-postgres-version",
  // Configuration Hygiene
  "required-settings-fail-loudly",
  "optional-settings-safe-defaults",
  "no-default-secret-keys",
  "debug-off",
  "allowed-hosts-restricted",
  "csrf-trusted-origins-https",
  "https-settings",
  "settings-module-exists",
  "wsgi-module-exists",
  // Static Files
  "collectstatic-at-build",
  "compressed-static-files",
  "build-settings-standalone",
  // Recovery
  "app-database-outage-recovery",
  "audit-database-outage-recovery",
  "idempotent-seeds",
  "ordered-release",
  "scheduled-backups",
  "data-survives-destroy",
  "graceful-shutdown",
  // Hosting Compatibility
  "port-respected",
  "health-checks",
  "logs-to-stdout",
  "railway-watch-patterns",
  "only-proxy-published",
  "app-server-tuned",
  "utf8-locale",
  "resource-limits",
  "health-paths-routed",
];

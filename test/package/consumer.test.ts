/**
 * The package as another team gets it: `npm pack`, installed into a new project, then used the way
 * the README's "Use it from your own program" says: its TypeScript program is the project's
 * index.ts. The install is offline: the project's lockfile pins agency-deploy's dependencies to the
 * versions this repository's lockfile resolved (npm's cache holds them after `npm ci`), and
 * agency-deploy itself to the packed tarball.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FIXTURES_DIR, REPO_ROOT } from "../support/paths";

/** What a consumer installs besides agency-deploy: a compiler and Node's types, as `pulumi new typescript` does. */
const CONSUMER_TOOLS = ["typescript", "@types/node"];

interface LockEntry {
  version?: string;
  dev?: boolean;
  dependencies?: Record<string, string>;
  [field: string]: unknown;
}

interface PackedFile {
  path: string;
}

interface SchemaProperty {
  type?: string;
  $ref?: string;
  description?: string;
  secret?: boolean;
  plain?: boolean;
}

interface PackageSchema {
  resources: Record<
    string,
    {
      description?: string;
      inputProperties: Record<string, SchemaProperty>;
      properties: Record<string, SchemaProperty>;
    }
  >;
  types: Record<
    string,
    { type: string; properties?: Record<string, SchemaProperty>; enum?: { name: string; value: unknown }[] }
  >;
}

function npm(args: string[], cwd: string): string {
  return execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * The consumer's package.json and package-lock.json: every non-dev package of this repository's
 * lockfile (exactly agency-deploy's dependency tree), the consumer's tools (with what they need),
 * and agency-deploy from the tarball.
 */
function writeConsumerManifests(project: string, tarball: string): void {
  const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>;
  };
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as LockEntry;
  const wanted = new Set<string>();
  const want = (name: string): void => {
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const dep of Object.keys(lock.packages[`node_modules/${name}`]?.dependencies ?? {})) want(dep);
  };
  CONSUMER_TOOLS.forEach(want);
  const packages: Record<string, LockEntry> = {};
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key === "") continue;
    const name = key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length);
    if (!entry.dev || (key === `node_modules/${name}` && wanted.has(name)))
      packages[key] = { ...entry, dev: undefined };
  }
  const resolved = `file:${tarball}`;
  packages["node_modules/agency-deploy"] = {
    version: manifest.version,
    resolved,
    license: manifest.license,
    dependencies: manifest.dependencies,
    bin: manifest.bin,
    engines: manifest.engines,
  };
  const devDependencies = Object.fromEntries(
    CONSUMER_TOOLS.map((tool) => [tool, lock.packages[`node_modules/${tool}`].version]),
  );
  const pkg = {
    name: "harbor-legal",
    version: "1.0.0",
    private: true,
    dependencies: { "agency-deploy": resolved },
    devDependencies,
  };
  packages[""] = { ...pkg, private: undefined };
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify(pkg, null, 2));
  fs.writeFileSync(
    path.join(project, "package-lock.json"),
    JSON.stringify(
      { name: pkg.name, version: pkg.version, lockfileVersion: 3, requires: true, packages },
      null,
      2,
    ),
  );
}

/** The README's consumer program: the first TypeScript block of "Use it from your own program". */
function readmeProgram(): string {
  const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
  const section = readme.split(/^## /m).find((part) => part.startsWith("Use it from your own program"));
  const program = section && /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!program) throw new Error('README.md has no TypeScript block under "Use it from your own program"');
  return program;
}

let work: string;
let project: string;
let packed: string[];

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "agency-deploy-consumer-"));
  project = path.join(work, "harbor-legal");
  // dist/ is current: jest's global setup compiled it from these sources. No scripts: `prepare`
  // would rewrite dist/ under the suites running the CLI from it (the prepack check of stale
  // outputs is test/scripts/stale-dist.test.ts's).
  const [result] = JSON.parse(
    npm(["pack", "--ignore-scripts", "--json", "--pack-destination", work], REPO_ROOT),
  ) as { filename: string; files: PackedFile[] }[];
  packed = result.files.map((file) => file.path);
  fs.cpSync(path.join(FIXTURES_DIR, "consumer"), project, { recursive: true });
  fs.writeFileSync(path.join(project, "index.ts"), readmeProgram());
  writeConsumerManifests(project, path.join(work, result.filename));
  npm(["ci", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], project);
}, 300_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Run a command in the consumer project; exit status and output. */
function inProject(
  command: string,
  args: string[],
): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(command, args, {
    cwd: project,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
    timeout: 240_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The stdout of a node script of the consumer project, which must succeed (its stderr otherwise). */
function inProjectOk(script: string): string {
  const run = inProject(process.execPath, [script]);
  if (run.status !== 0) throw new Error(`${script} failed:\n${run.stderr}`);
  return run.stdout;
}

function agencyDeploy(...args: string[]) {
  return inProject(path.join(project, "node_modules", ".bin", "agency-deploy"), args);
}

/**
 * Everything the tarball may carry, by what needs it at run time: the library's JavaScript and
 * types; its TypeScript sources, tsconfig and PulumiPlugin.yaml, which Pulumi's component analyzer
 * reads for `pulumi package add`; the pack and the command as compiled JavaScript (the pack's
 * directory holds only what `--policy-pack` loads: PulumiPolicy.yaml and a package.json whose
 * `main` is the compiled pack); the bundled stacks and their sample app.
 */
const SHIPPED = [
  /^(LICENSE|README\.md|package\.json|Pulumi\.yaml|PulumiPlugin\.yaml|tsconfig\.json)$/,
  /^components\/.+\.(ts|sh|py)$/,
  /^dist\/components\/.+\.(js|d\.ts)$/,
  /^dist\/(policies|stacks)\/.+\.js$/,
  // The components' Mode is declared beside the pack (policies/mode.ts): its source and
  // declaration ship, for the components' sources and Pulumi's schema analyzer.
  /^dist\/policies\/mode\.d\.ts$/,
  /^policies\/(PulumiPolicy\.yaml|package\.json|mode\.ts)$/,
  /^stacks\/(index|program)\.ts$/,
  /^stacks\/Pulumi\.[\w-]+\.yaml$/,
  /^stacks\/sample-app\//,
];

describe("the npm tarball", () => {
  it("carries the library, the command, the pack, the stacks and the plugin", () => {
    expect(packed).toEqual(
      expect.arrayContaining([
        "LICENSE",
        "PulumiPlugin.yaml",
        "tsconfig.json",
        "dist/components/index.js",
        "dist/components/index.d.ts",
        "dist/components/plugin.js",
        "dist/stacks/index.js",
        "dist/policies/index.js",
        "dist/policies/command/cli/main.js",
        "policies/PulumiPolicy.yaml",
        "policies/package.json",
        "stacks/sample-app/Dockerfile",
      ]),
    );
  });

  it("and nothing else: no tests, source maps, the pack's TypeScript sources or types no import reaches", () => {
    expect(packed.filter((file) => !SHIPPED.some((pattern) => pattern.test(file)))).toEqual([]);
    expect(
      packed.filter((file) => /(^|\/)(tests?|__tests__)\/|pytest\.ini|requirements-dev/.test(file)),
    ).toEqual([]);
  });
});

describe("a project that installs the tarball", () => {
  it("type-checks (strict) the README's program and one using the building blocks", () => {
    const tsc = inProject(process.execPath, [
      path.join("node_modules", "typescript", "bin", "tsc"),
      "-p",
      ".",
    ]);
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
  }, 240_000);

  it("checks the stacks bundled with the package", () => {
    const check = agencyDeploy("check");
    expect(check.stderr).toContain("running node_modules/agency-deploy/dist/stacks");
    expect(check.stdout).toContain("Deployment Reliable: Yes");
    expect(check.status).toBe(0);
  }, 240_000);

  it("prints the runbook of a bundled stack", () => {
    const runbook = agencyDeploy("runbook");
    expect(runbook.stdout).toContain("# Runbook: local");
    expect(runbook.status).toBe(0);
  }, 240_000);

  it("loads the library by require and by import, and the pack's directory resolves to the compiled pack", () => {
    const probe = [
      'const path = require("path");',
      'const library = require("agency-deploy");',
      'const pack = require.resolve(path.join(path.dirname(require.resolve("agency-deploy/package.json")), "policies"));',
      'import("agency-deploy").then((esm) => console.log(JSON.stringify({',
      "  required: typeof library.DockerAgencyInstance, imported: typeof esm.AzureAgencyInstance,",
      "  pack: path.relative(process.cwd(), pack) })));",
    ].join("\n");
    const run = inProject(process.execPath, ["-e", probe]);
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({
      required: "function",
      imported: "function",
      pack: path.join("node_modules", "agency-deploy", "dist", "policies", "index.js"),
    });
  }, 60_000);

  it.each(["docker", "azure"])(
    "checks the README's program for the %s target with the installed pack, as `--policy-pack` names it",
    (stack) => {
      const pack = path.join("node_modules", "agency-deploy", "policies");
      const check = agencyDeploy("check", "--program", ".", "--stack", stack, "--policy-pack", pack);
      expect(check.stdout).toContain("Deployment Reliable: Yes");
      expect(check.status).toBe(0);
    },
    240_000,
  );

  it("serializes the Azure release's dynamic provider, and the serialized provider runs a release", () => {
    const run = inProject(process.execPath, ["serialize-provider.js"]);
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as {
      methods: string[];
      requested: string[];
      created: { outs: unknown };
    };
    expect(result.methods).toEqual(["create", "delete", "diff", "update"]);
    // Module constants reach the serialized code (a use compiled to `exports.X` would read undefined):
    // the API version in every URL, and the retry limit that lets the throttled start be retried.
    expect(result.requested).toEqual([
      expect.stringMatching(/^GET .*\/jobs\/release\/executions\?api-version=\d{4}-\d{2}-\d{2}$/),
      expect.stringMatching(
        /^POST https:\/\/management\.azure\.com\/.*\/jobs\/release\/start\?api-version=\d{4}-\d{2}-\d{2}$/,
      ),
      expect.stringMatching(/^POST .*\/jobs\/release\/start\?api-version=\d{4}-\d{2}-\d{2}$/),
      expect.stringMatching(/^GET .*\/executions\/release-1\?api-version=\d{4}-\d{2}-\d{2}$/),
    ]);
    expect(result.created.outs).toMatchObject({ executionName: "release-1", status: "Succeeded" });
  }, 120_000);

  it("serializes the web container's health gate, and the serialized provider waits for a healthy container", () => {
    const { methods, asked, created } = JSON.parse(inProjectOk("serialize-health-gate.js")) as {
      methods: string[];
      asked: string[];
      created: { outs: unknown };
    };
    expect(methods).toEqual(["create", "delete", "diff", "update"]);
    expect(asked).toHaveLength(2);
    expect(created.outs).toMatchObject({ containerId: "c0ffee" });
  }, 120_000);

  it("serves `pulumi package add` a schema that describes every input and output and marks the secrets", () => {
    const run = inProject(process.execPath, ["schema.js"]);
    expect(run.status).toBe(0);
    const { plugin, schema } = JSON.parse(run.stdout) as { plugin: unknown; schema: PackageSchema };
    // The plugin runner calls a function `main` exports instead of hosting its components itself.
    expect(plugin).toEqual({ isFunction: true, components: 0 });
    expect(Object.keys(schema.resources).sort()).toEqual([
      "agency-deploy:index:AzureAgencyInstance",
      "agency-deploy:index:DockerAgencyInstance",
    ]);
    const undescribed: string[] = [];
    const describe = (where: string, properties: Record<string, SchemaProperty> = {}) => {
      for (const [name, property] of Object.entries(properties)) {
        if (!property.description) undescribed.push(`${where}.${name}`);
      }
    };
    for (const [token, resource] of Object.entries(schema.resources)) {
      if (!resource.description) undescribed.push(token);
      describe(`${token} input`, resource.inputProperties);
      describe(`${token} output`, resource.properties);
      for (const secret of ["databaseUrl", "auditDatabaseUrl"]) {
        expect(resource.properties[secret]).toMatchObject({ type: "string", secret: true });
      }
      expect(resource.properties.url.secret).toBeUndefined();
      expect(resource.inputProperties.mode).toMatchObject({ $ref: "#/types/agency-deploy:index:Mode" });
      expect(resource.inputProperties.target).toMatchObject({ $ref: "#/types/agency-deploy:index:Target" });
      // The domains may be another resource's outputs (the README's program passes a DNS zone's).
      expect(resource.inputProperties.domains).toEqual(
        expect.objectContaining({ type: "array", items: { type: "string" } }),
      );
      expect(resource.inputProperties.domains).not.toHaveProperty("plain");
    }
    for (const [token, type] of Object.entries(schema.types)) describe(token, type.properties);
    expect(undescribed).toEqual([]);
    expect(schema.types["agency-deploy:index:Mode"]).toEqual({
      type: "string",
      enum: [
        expect.objectContaining({ name: "Production", value: "production" }),
        expect.objectContaining({ name: "Demo", value: "demo" }),
      ],
    });
    expect(schema.types["agency-deploy:index:Target"].enum?.map((member) => member.value)).toEqual([
      "docker",
      "azure",
    ]);
    // Inputs a consumer passes from other resources are not plain in any language.
    expect(schema.types["agency-deploy:index:AzureArgs"].properties?.resourceGroupName).not.toHaveProperty(
      "plain",
    );
    expect(schema.types["agency-deploy:index:DockerHostArgs"].properties?.host).not.toHaveProperty("plain");
  }, 240_000);
});

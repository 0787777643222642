import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { UsageError } from "./usage-error";

/** A Pulumi project as the CLI resolves it: Pulumi.yaml found by walking up from the program. */
export interface PulumiProject {
  name: string;
  /** Directory holding Pulumi.yaml. */
  root: string;
  /** Directory holding Pulumi.<stack>.yaml files (`stackConfigDir`, default: the root). */
  stackConfigDir: string;
  /** Working directory the language host runs the program in (see `programLocation`). */
  pwd: string;
  /** Program argument handed to the language host, relative to `pwd` ("." for a directory). */
  program: string;
  /** Project-level config defaults (`config:` in Pulumi.yaml), already namespaced. */
  defaults: Record<string, unknown>;
}

const PROJECT_FILES = ["Pulumi.yaml", "Pulumi.yml"];

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return yaml.load(text, { filename: file });
  } catch (e) {
    throw new UsageError(`${file} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function findProjectFile(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    for (const name of PROJECT_FILES) {
      const candidate = path.join(dir, name);
      if (fs.existsSync(candidate)) return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Where the language host runs the program: the CLI's `getPwdMain` moves the working directory
 * into `main` (a directory becomes pwd with program "."; a file's directory becomes pwd with the
 * file name as program) "so that any relative paths inside of the program are correct".
 */
function programLocation(
  root: string,
  main: string | undefined,
  file: string,
): { pwd: string; program: string } {
  if (main === undefined || main === "") return { pwd: root, program: "." };
  if (path.isAbsolute(main)) throw new UsageError(`${file}: project 'main' must be a relative path`);
  const target = path.resolve(root, main);
  const inside = path.relative(root, target);
  if (inside === ".." || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside)) {
    throw new UsageError(`${file}: project 'main' must be a subfolder`);
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    throw new UsageError(`${file}: project 'main' (${main}) could not be read`);
  }
  return stat.isDirectory()
    ? { pwd: target, program: "." }
    : { pwd: path.dirname(target), program: path.basename(target) };
}

function namespaced(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

function projectDefaults(project: string, config: unknown): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  if (!isRecord(config)) return defaults;
  for (const [key, spec] of Object.entries(config)) {
    // Pulumi.yaml config entries are either a bare value or a type spec with `default`/`value`.
    if (isRecord(spec) && ("default" in spec || "value" in spec || "type" in spec)) {
      const value = spec.value ?? spec.default;
      if (value !== undefined) defaults[namespaced(project, key)] = value;
    } else {
      defaults[namespaced(project, key)] = spec;
    }
  }
  return defaults;
}

/**
 * Pulumi runs a TypeScript program through ts-node, and ts-node never compiles files under
 * node_modules (its default `ignore`). A TypeScript program inside an installed package (the
 * stacks bundled with agency-deploy) therefore runs from the package's compiled build, the same
 * path under dist/, when the package ships one.
 */
export function installedProgramLocation(
  root: string,
  location: { pwd: string; program: string },
): { pwd: string; program: string } {
  const installed = root.split(path.sep).includes("node_modules");
  if (!installed || !location.program.endsWith(".ts")) return location;
  const compiled = path.join(
    root,
    "dist",
    path.relative(root, location.pwd),
    location.program.replace(/\.ts$/, ".js"),
  );
  return fs.existsSync(compiled)
    ? { pwd: path.dirname(compiled), program: path.basename(compiled) }
    : location;
}

/** Load the project that owns `programDir`, exactly as the CLI would find it. */
export function loadProject(programDir: string): PulumiProject {
  const dir = path.resolve(programDir);
  if (!fs.existsSync(dir)) throw new UsageError(`program directory ${programDir} does not exist`);
  const file = findProjectFile(dir);
  if (!file) throw new UsageError(`no Pulumi.yaml found in ${programDir} or any parent directory`);
  const doc = readYaml(file);
  if (!isRecord(doc) || typeof doc.name !== "string" || doc.name === "") {
    throw new UsageError(`${file}: 'name' is required`);
  }
  const root = path.dirname(file);
  const main = typeof doc.main === "string" ? doc.main : undefined;
  const stackConfigDir =
    typeof doc.stackConfigDir === "string" ? path.resolve(root, doc.stackConfigDir) : root;
  return {
    name: doc.name,
    root,
    stackConfigDir,
    ...installedProgramLocation(root, programLocation(root, main, file)),
    defaults: projectDefaults(doc.name, doc.config),
  };
}

/** A stack's configuration in the form the language host passes it (PULUMI_CONFIG). */
export interface StackConfig {
  stack: string;
  file: string;
  /** Namespaced key -> the text the program reads (objects as JSON, scalars as strings). */
  values: Record<string, string>;
  /** Keys whose value is (or contains) a `secure:` value. */
  secretKeys: string[];
}

/** The text a program sees for a secure value: it cannot be decrypted offline and is never printed. */
export const SECRET_PLACEHOLDER = "[secret]";

function containsSecure(value: unknown): boolean {
  if (isRecord(value)) {
    if (Object.keys(value).length === 1 && typeof value.secure === "string") return true;
    return Object.values(value).some(containsSecure);
  }
  return Array.isArray(value) && value.some(containsSecure);
}

function withPlaceholders(value: unknown): unknown {
  if (isRecord(value)) {
    if (Object.keys(value).length === 1 && typeof value.secure === "string") return SECRET_PLACEHOLDER;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withPlaceholders(v)]));
  }
  return Array.isArray(value) ? value.map(withPlaceholders) : value;
}

/** The text form the CLI hands a program: strings as-is, everything else as JSON. */
export function configText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function stackFilePath(project: PulumiProject, stack: string): string {
  return path.join(project.stackConfigDir, `Pulumi.${stack}.yaml`);
}

/** Every stack that has a config file, sorted by name. */
export function listStacks(project: PulumiProject): string[] {
  const pattern = /^Pulumi\.(.+)\.ya?ml$/;
  // A stackConfigDir not created yet holds no stacks; the callers say so, naming it.
  if (!fs.existsSync(project.stackConfigDir)) return [];
  return fs
    .readdirSync(project.stackConfigDir)
    .map((f) => pattern.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** Read `Pulumi.<stack>.yaml` over the project defaults. */
export function loadStackConfig(project: PulumiProject, stack: string): StackConfig {
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new UsageError(`invalid stack name "${stack}"`);
  const file = stackFilePath(project, stack);
  if (!fs.existsSync(file)) {
    const stacks = listStacks(project);
    const existing = stacks.length > 0 ? `the stacks there are: ${stacks.join(", ")}` : "there are no stacks";
    throw new UsageError(`stack "${stack}" has no configuration file: ${file} does not exist; ${existing}`);
  }
  const doc = readYaml(file) ?? {};
  if (!isRecord(doc)) throw new UsageError(`${file}: expected a mapping at the top level`);
  const raw: Record<string, unknown> = { ...project.defaults };
  if (doc.config !== undefined && doc.config !== null) {
    if (!isRecord(doc.config)) throw new UsageError(`${file}: 'config' must be a mapping`);
    for (const [key, value] of Object.entries(doc.config)) raw[namespaced(project.name, key)] = value;
  }
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (containsSecure(value)) secretKeys.push(key);
    values[key] = configText(withPlaceholders(value));
  }
  return { stack, file, values, secretKeys: secretKeys.sort() };
}

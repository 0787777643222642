/**
 * Workloads: the containers a stack runs, whichever way it declares them (a docker Container, or
 * one container of an Azure Container App or Job), with the role each plays in the deployment.
 *
 * Roles are judged from what a container does, not from its name: the image it runs, its command,
 * its healthcheck and whether it is a one-shot. Names only break ties (which database is the audit
 * one), so stacks not built with our components are judged the same way.
 */
import { COMPOSE_DEFAULTED_ENV_LABEL, UNSEEN_ENV_LABEL } from "../../protocol";
import { at, bool, isUnknown, list, LIST, str, UNKNOWN } from "../rules/props";
import { unverifiable, type Finding, type Resource } from "../rules/rule";
import { misshapen } from "../rules/props";
import { AZURE, DOCKER } from "../rules/types";
import { fallbackVariables } from "../inspect/shell";
import { readContainerHealthcheck, type ContainerHealthcheck } from "../inspect/health-probe";
import { imageRepository } from "../inspect/image-reference";
import { serverInCommand } from "../inspect/server-command";

export type WorkloadRole = "web" | "database" | "proxy" | "release" | "backup" | "other";

/** An environment entry: a known value, a reference to a platform secret, or unknown at preview. */
export type EnvValue = { kind: "value"; value: string } | { kind: "secret-ref" } | { kind: "unknown" };

export interface Workload {
  resource: Resource;
  platform: "docker" | "azure";
  /** Property path of the container inside the resource: "" (docker) or `template.containers[0]`. */
  path: string;
  /** Image reference as given; undefined when unknown during preview. */
  image: string | undefined;
  /** Entrypoint + command as given (docker) or command + args (Azure); empty: the image's own. */
  argv: string[];
  /** argv text plus uploaded file contents: where start scripts handed to the container live. */
  script: string;
  /** Its own healthcheck (docker `healthcheck.tests`; none on Azure, whose probes are a list of their own). */
  healthcheck: ContainerHealthcheck;
  /** Variables its start command gives a default for when unset (`${VAR:-x}`). */
  fallbacks: ReadonlySet<string>;
  /**
   * Env variables whose value is a default written where the deployment is declared: a compose
   * file's `DATABASE_URL: ${DATABASE_URL:-postgres://...}` (protocol.ts COMPOSE_DEFAULTED_ENV_LABEL).
   */
  envDefaults: ReadonlySet<string>;
  env: Record<string, EnvValue>;
  /**
   * Where variables no file here shows reach it from (a compose env_file created on the server, a
   * platform's dashboard), for people; undefined when every source is in the repository.
   */
  envFromOutside: string | undefined;
  /** Known env values only: what substitution and URL parsing can use. */
  knownEnv: Record<string, string>;
  /**
   * Property paths (`envs.3`) of env entries unknown as a whole during preview: a program's
   * `pulumi.interpolate\`ALLOWED_HOSTS=${domain}\`` hides its name as well as its value, so any
   * variable the workload does not visibly set may be set there.
   */
  unknownEnvEntries: string[];
  /**
   * "Could not verify" findings for its env and start command when set but of the wrong shape:
   * read as empty above, they must not be judged as "not set".
   */
  misshapen: Finding[];
  role: WorkloadRole;
}

/** The property a workload's env is given in: docker's `envs`, an Azure container's `env`. */
export function envProperty(workload: Workload): "envs" | "env" {
  return workload.platform === "docker" ? "envs" : "env";
}

/** `envs`/`healthcheck.tests` etc. of a workload as a property path for a finding location. */
export function propertyOf(workload: Workload, property: string): string {
  return workload.path === "" ? property : `${workload.path}.${property}`;
}

/** The workload's shape findings for these properties (`envs`, `command`...), if any is unreadable. */
export function misshapenAt(workload: Workload, ...properties: string[]): Finding[] {
  const paths = new Set(properties.map((p) => propertyOf(workload, p)));
  return workload.misshapen.filter((f) => paths.has(f.location?.property ?? ""));
}

export function workloadsOf(resource: Resource): Workload[] {
  if (resource.type === DOCKER.container) return [dockerWorkload(resource)];
  if (resource.type === AZURE.containerApp || resource.type === AZURE.job) return azureWorkloads(resource);
  return [];
}

/**
 * The string items of a list, each read as a leaf: an item unknown during preview is left out
 * instead of stopping the whole workload (the policy SDK's proxy throws on reading it).
 */
function strings(value: unknown): string[] {
  return items(value).filter((v): v is string => typeof v === "string" && !isUnknown(v));
}

/**
 * The items of a list, each read by index as a leaf, an unknown one as UNKNOWN: iterating the
 * proxy (for..of, forEach, map) reads every item through it and throws at the first unknown.
 */
function items(value: unknown): unknown[] {
  const all = list(value);
  const read: unknown[] = [];
  for (let index = 0; index < all.length; index++) read.push(leaf(() => all[index], UNKNOWN));
  return read;
}

function dockerWorkload(resource: Resource): Workload {
  const props = resource.props;
  // Each property read as a leaf: one unknown during preview must not stop the whole container.
  const field = (name: string) => leaf(() => props[name], UNKNOWN);
  const argv = [...strings(field("entrypoints")), ...strings(field("command"))];
  const uploads = items(field("uploads"))
    .map((u) => leaf(() => str(u, "content")))
    .filter((c): c is string => c !== undefined);
  const env: Record<string, EnvValue> = {};
  const unknownEnvEntries: string[] = [];
  // A whole env list unknown may set any variable.
  if (isUnknown(field("envs"))) unknownEnvEntries.push("envs");
  items(field("envs")).forEach((entry, index) => {
    if (isUnknown(entry)) unknownEnvEntries.push(`envs.${index}`);
    else if (typeof entry === "string") readEnvEntry(entry, env);
  });
  const base = {
    resource,
    platform: "docker" as const,
    path: "",
    image: leaf(() => str(props, "image")),
    argv,
    script: [argv.join(" "), ...uploads].join("\n"),
    healthcheck: readContainerHealthcheck(items(leaf(() => at(props, "healthcheck.tests")))),
    fallbacks: new Set(fallbackVariables([argv.join(" "), ...uploads].join("\n"))),
    envDefaults: composeDefaults(props),
    env,
    envFromOutside: labelValue(props, UNSEEN_ENV_LABEL),
    knownEnv: knownValues(env),
    unknownEnvEntries,
    misshapen: [
      ...misshapen(resource, { envs: LIST, entrypoints: LIST, command: LIST, uploads: LIST }),
      ...unknownCommand(resource, props, ["entrypoints", "command"], ""),
    ],
  };
  return { ...base, role: dockerRole(base, props) };
}

/**
 * "Could not verify" for a start command with a word unknown during preview: what it runs is not
 * known, so it must not be read as the words that are (kept with the shape findings, which the
 * start plan turns into its reason).
 */
function unknownCommand(
  resource: Resource,
  container: unknown,
  properties: string[],
  base: string,
): Finding[] {
  return properties
    .filter((property) => {
      const value = leaf(() => at(container, property), UNKNOWN);
      return isUnknown(value) || items(value).some(isUnknown);
    })
    .map((property) => {
      const path = base === "" ? property : `${base}.${property}`;
      return unverifiable(`${resource.name}'s ${path} is not known until the deployment runs.`, {
        urn: resource.urn,
        property: path,
      });
    });
}

/** `NAME=value` (docker's form); a value with an unknown part (compose's `${UNSET}`) is unknown. */
function readEnvEntry(entry: string, env: Record<string, EnvValue>): void {
  const eq = entry.indexOf("=");
  if (eq <= 0) return;
  const value = entry.slice(eq + 1);
  env[entry.slice(0, eq)] = value.includes(UNKNOWN) ? { kind: "unknown" } : { kind: "value", value };
}

/**
 * Why the value `name` has in this workload cannot be known before the deployment runs, as a
 * "could not verify" naming the variable: set to a value only known then, or possibly set by an
 * env entry unknown as a whole. Undefined when the workload's env tells (set, or surely unset).
 * The one place the model decides this, so an unknown entry touches only the items that read it.
 */
export function unknownEnv(workload: Workload, name: string): Finding | undefined {
  const envs = envProperty(workload);
  const owner = `"${workload.resource.name}"`;
  if (workload.env[name]?.kind === "unknown") {
    return unverifiable(`${name} of ${owner} is not known until the deployment runs.`, {
      urn: workload.resource.urn,
      property: propertyOf(workload, envs),
    });
  }
  const [entry] = workload.unknownEnvEntries;
  if (workload.env[name] !== undefined || entry === undefined) return undefined;
  return unverifiable(`${owner} may set ${name} in ${entry}, which is not known until the deployment runs.`, {
    urn: workload.resource.urn,
    property: propertyOf(workload, entry),
  });
}

/**
 * A leaf read that treats a value unknown during preview as absent. The policy SDK's property
 * proxy throws on reading an unknown; a new image's digest or a new host name is unknown in a
 * real preview, and must not hide the rest of the container from the rules.
 */
function leaf<T>(read: () => T, whenUnknown?: T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof Error && error.constructor.name === "UnknownValueError") return whenUnknown;
    throw error;
  }
}

function azureWorkloads(resource: Resource): Workload[] {
  const containers = list(resource.props, "template.containers");
  return containers.map((container, index) => {
    const argv = [...strings(at(container, "command")), ...strings(at(container, "args"))];
    const env: Record<string, EnvValue> = {};
    const unknownEnvEntries: string[] = [];
    const envs = leaf(() => at(container, "env"), UNKNOWN);
    if (isUnknown(envs)) unknownEnvEntries.push("env");
    for (const [position, entry] of items(envs).entries()) {
      const name = isUnknown(entry) ? UNKNOWN : leaf(() => str(entry, "name"), UNKNOWN);
      // An entry whose name is not known yet may set any variable.
      if (name !== undefined && isUnknown(name)) unknownEnvEntries.push(`env[${position}]`);
      if (name === undefined || isUnknown(name)) continue;
      const value = leaf(() => at(entry, "value"));
      if (leaf(() => str(entry, "secretRef")) !== undefined) env[name] = { kind: "secret-ref" };
      else if (typeof value === "string" && !isUnknown(value)) env[name] = { kind: "value", value };
      else env[name] = { kind: "unknown" };
    }
    const base = {
      resource,
      platform: "azure" as const,
      path: `template.containers[${index}]`,
      image: leaf(() => str(container, "image")),
      argv,
      script: argv.join(" "),
      healthcheck: readContainerHealthcheck([]),
      fallbacks: new Set(fallbackVariables(argv.join(" "))),
      envDefaults: new Set<string>(),
      env,
      envFromOutside: undefined,
      knownEnv: knownValues(env),
      unknownEnvEntries,
      misshapen: [
        ...misshapen(
          resource,
          { env: LIST, command: LIST, args: LIST },
          container,
          `template.containers[${index}]`,
        ),
        ...unknownCommand(resource, container, ["command", "args"], `template.containers[${index}]`),
      ],
    };
    return { ...base, role: azureRole(base, resource, index) };
  });
}

function knownValues(env: Record<string, EnvValue>): Record<string, string> {
  const known: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value.kind === "value") known[name] = value.value;
  return known;
}

type WorkloadBase = Omit<Workload, "role">;

const DATABASE_IMAGE = /(^|\/)(postgres|postgis|timescaledb[a-z-]*|pgvector|supabase\/postgres)$/;
const PROXY_IMAGE = /(^|\/)(caddy|nginx|nginx-unprivileged|openresty|traefik|haproxy|envoy|httpd)$/;
const BACKUP_TOOL = /\bpg_dump(all)?\b|\bpgbackrest\b|\bwal-g\b/;

function runsBackups(w: WorkloadBase): boolean {
  // The name only breaks the tie for a backup service whose script is not visible (a mounted file).
  const named = [w.resource.name, str(w.resource.props, "name") ?? ""].some((n) => /backup/i.test(n));
  return BACKUP_TOOL.test(w.script) || /backup/.test(imageRepository(w.image)) || named;
}

function startsServer(w: WorkloadBase): boolean {
  return serverInCommand(w.argv) !== undefined;
}

function dockerRole(w: WorkloadBase, props: Record<string, unknown>): WorkloadRole {
  const repo = imageRepository(w.image);
  if (runsBackups(w)) return "backup";
  // A one-shot on a PostgreSQL image (a password rotation with psql) is a client, not a database.
  if (DATABASE_IMAGE.test(repo) && bool(props.attach) === true && w.argv.length > 0) return "other";
  if (DATABASE_IMAGE.test(repo) || (w.healthcheck.probe.postgres && !startsServer(w))) return "database";
  if (PROXY_IMAGE.test(repo)) return "proxy";
  if (startsServer(w)) return "web";
  // A one-shot: waited for and not kept running, or a command that only runs management steps.
  if (bool(props.attach) === true || (w.argv.length > 0 && /\bmanage\.py\b|\bmigrate\b/.test(w.script))) {
    return "release";
  }
  if (w.argv.length === 0 || "DJANGO_SETTINGS_MODULE" in w.env || "DATABASE_URL" in w.env) return "web";
  return "other";
}

function azureRole(w: WorkloadBase, resource: Resource, index: number): WorkloadRole {
  if (runsBackups(w)) return "backup";
  if (resource.type === AZURE.job) return "release";
  // The first container of a Container App serves its ingress; others are sidecars.
  return index === 0 || startsServer(w) ? "web" : "other";
}

/** Names a database workload answers to on the network: resource name, container name, hostname, aliases. */
export function networkNames(workload: Workload): string[] {
  const props = workload.resource.props;
  const names = [workload.resource.name, str(props, "name"), str(props, "hostname")];
  for (const network of list(props, "networksAdvanced")) names.push(...strings(at(network, "aliases")));
  return names.filter((n): n is string => n !== undefined && n !== "").map((n) => n.toLowerCase());
}

/** Host of a database URL (never the password); undefined when the value is not a URL. */
export function urlHost(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    return url.hostname === "" ? undefined : url.hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The docker Image / RemoteImage resources (`images`) a workload's image comes from. */
export function imageResourcesOf(workload: Workload, images: readonly Resource[]): Resource[] {
  const wired = new Set([
    ...(workload.resource.propertyDependencies[workload.platform === "docker" ? "image" : "template"] ?? []),
  ]);
  const byProperty = images.filter((image) => wired.has(image.urn));
  if (byProperty.length > 0) return byProperty;
  const byName = images.filter((image) => {
    const name = str(image.props, "imageName") ?? str(image.props, "name");
    return name !== undefined && workload.image !== undefined && sameImage(name, workload.image);
  });
  if (byName.length > 0) return byName;
  const deps = new Set(workload.resource.dependencies);
  return images.filter((image) => deps.has(image.urn));
}

function sameImage(a: string, b: string): boolean {
  const strip = (s: string) => s.split("@")[0];
  return strip(a) === strip(b) || strip(b).startsWith(`${strip(a)}@`);
}

/**
 * What an env var of a workload holds in this stack, following an Azure `secretRef` to the app's
 * own secret value or to the Key Vault secret (in the same stack) its `keyVaultUrl` names. Rules
 * compare such values; they never show them. A reference to a vault secret outside the stack
 * stays a `secret-ref`; one whose URL is not known before the deployment is `unknown`.
 */
export function resolvedEnv(
  workload: Workload,
  name: string,
  resources: readonly Resource[],
): EnvValue | undefined {
  const value = workload.env[name];
  if (value?.kind !== "secret-ref" || workload.platform !== "azure") return value;
  const container = list(workload.resource.props, "template.containers")[
    Number(/\[(\d+)\]/.exec(workload.path)?.[1] ?? 0)
  ];
  const ref = list(container, "env")
    .map((e) => (leaf(() => str(e, "name")) === name ? leaf(() => str(e, "secretRef")) : undefined))
    .find((r) => r !== undefined);
  const secret = list(workload.resource.props, "configuration.secrets").find(
    (s) => leaf(() => str(s, "name")) === ref,
  );
  const own = leaf(() => str(secret, "value"));
  if (own !== undefined) return { kind: "value", value: own };
  const url = leaf(() => at(secret, "keyVaultUrl"), UNKNOWN);
  if (typeof url !== "string" || isUnknown(url)) return url === undefined ? value : { kind: "unknown" };
  const target = vaultSecretName(url);
  const stored = resources.find(
    (r) =>
      r.type === AZURE.keyVaultSecret &&
      target !== undefined &&
      leaf(() => str(r.props, "secretName")) === target.secret &&
      [target.vault, undefined].includes(leaf(() => str(r.props, "vaultName"))),
  );
  if (stored === undefined) return value;
  const storedValue = leaf(() => str(stored.props, "properties.value"));
  return storedValue === undefined ? { kind: "unknown" } : { kind: "value", value: storedValue };
}

/** `https://<vault>.vault.azure.net/secrets/<name>[/<version>]` -> vault and secret names. */
function vaultSecretName(url: string): { vault: string; secret: string } | undefined {
  try {
    const parsed = new URL(url);
    const [, kind, secret] = parsed.pathname.split("/");
    if (kind !== "secrets" || secret === undefined || secret === "") return undefined;
    return { vault: parsed.hostname.split(".")[0], secret };
  } catch {
    return undefined;
  }
}

/** The env names a translated compose service takes from a default written in the compose file. */
function composeDefaults(props: Record<string, unknown>): Set<string> {
  const value = labelValue(props, COMPOSE_DEFAULTED_ENV_LABEL) ?? "";
  return new Set(value.split(",").filter((name) => name !== ""));
}

/** The value of a docker container's label, undefined when it has none by that name. */
function labelValue(props: Record<string, unknown>, name: string): string | undefined {
  const label = list(props, "labels").find((l) => leaf(() => str(l, "label")) === name);
  return label === undefined ? undefined : (leaf(() => str(label, "value")) ?? "");
}

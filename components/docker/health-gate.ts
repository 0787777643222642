/**
 * HealthGate: waits for a new web container to become healthy and, when it does not, fails the
 * update with that container's last log lines (secrets redacted) instead of the Docker provider's
 * bare "container failed to be in healthy state".
 *
 * Why a watcher beside the container, not a step after it. The provider (kreuzwerker's
 * resource_docker_container_funcs.go, which pulumi-docker bridges) polls `ContainerInspect` with
 * `wait: true` until `Health.Status == healthy` and otherwise fails the create after
 * `wait_timeout` with that one sentence: no logs, and nothing that depends on the container runs
 * after it, so a gate registered after the container would never see a failure. The container
 * keeps `wait: true` (the provider's own wait still holds the route switch, and the pack's HC-2
 * judges readiness by it); the gate is registered at the same point of the deployment (after the
 * release, with the container's own inputs) and asks the Docker Engine API the provider talks to:
 *   GET /containers/{name}/json                      State.Health.Status, State.Status, RestartCount
 *   GET /containers/{id}/logs?stdout=1&stderr=1&tail=N   on failure (Docker's multiplexed stream
 *                                                         format unless the container has a TTY)
 * until the container is healthy, unhealthy, exited, restarting, or the timeout. It fails fast
 * (an unhealthy or crash-looping container is reported as soon as Docker says so, not after the
 * provider's timeout), and the engine waits for the in-flight container create before ending the
 * update, so the update shows both errors, the gate's with the logs. The route switch (proxy.ts)
 * depends on the gate and on the container, so the old container keeps serving either way.
 *
 * Which container. The new container has this release's name; when a failed one is replaced by
 * the next `up` (same name, delete-before-create), the gate may first see the failed one. A
 * container created well before the gate started (STALE_AFTER_SECONDS, by the engine's own clock:
 * its HTTP `Date` header) that is not healthy is that one, and the gate waits for its successor;
 * a healthy container is accepted whatever its age (a gate created for a container that is already
 * serving). The provider's create of a failed container takes `waitTimeout` (180 s) before it
 * fails, so a failed container is always older than the window.
 *
 * A failed create of a dynamic resource stores nothing in the state (the engine records a failed
 * create only when the provider returns ErrorResourceInitFailed with an ID, as the Terraform bridge
 * does for the container: pulumi/pulumi#992, pulumi/pulumi-terraform#237; a dynamic provider that
 * throws returns a plain error), so the next `up` creates the gate again; a failed update keeps the
 * old state, whose diff again asks for an update. The gate
 * reruns when the container's name (this release) or its inputs (a replacement under the same
 * name, e.g. a rotated password) change.
 *
 * Where the engine is: the Docker provider's host (`docker.host` in the instance's settings, else
 * `docker:host`, else DOCKER_HOST, else unix:///var/run/docker.sock), as pulumi-docker resolves
 * it. unix:// speaks HTTP on the socket; tcp:// speaks HTTP, or HTTPS with the client certificate
 * when a cert path is set (`docker:certPath`, else DOCKER_CERT_PATH: the provider's `cert_path`,
 * which, like it, ignores DOCKER_TLS_VERIFY); ssh://
 * runs `ssh [user@]host -- docker system dial-stdio` and speaks HTTP over its stdio, exactly the
 * connection helper the provider itself uses for ssh:// hosts (so it needs the same ssh login).
 *
 * The provider is serialized into the state by Pulumi's closure serializer and runs in another
 * process: everything it calls lives in this file, Node's builtins are required where they are
 * used, and its constants are locals exported by name (a use of an `export const` compiles to
 * `exports.NAME`, which the serializer does not capture).
 */
import * as pulumi from "@pulumi/pulumi";

/** pulumi-docker's (and the Docker CLI's) engine when neither `docker:host` nor DOCKER_HOST is set. */
const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";
/** Log lines a failure shows: enough for a Python traceback and gunicorn's boot messages. */
const LOG_TAIL_LINES = 60;
/** Characters a failure shows at most (the end of the tail), however long the lines. */
const LOG_MAX_CHARACTERS = 8000;
/** A not-healthy container created this long before the gate started is the one being replaced. */
const STALE_AFTER_SECONDS = 60;
/** What a secret value becomes in the logs the gate shows. */
const REDACTED = "[redacted]";
/** A secret shorter than this is not searched for (it would redact ordinary words). */
const MIN_SECRET_LENGTH = 6;

/** How to reach the Docker Engine API. */
export interface EngineEndpoint {
  /** `unix`: `socketPath`; `tcp`: `host` and `port` (TLS with `certPath`); `ssh`: `host`, `user`, `port`. */
  kind: "unix" | "tcp" | "ssh";
  socketPath?: string;
  host?: string;
  port?: number;
  user?: string;
  /** A directory with ca.pem, cert.pem and key.pem (tcp with TLS). */
  certPath?: string;
  /** Extra ssh options (`docker:sshOpts`). */
  sshOptions?: string[];
}

/** Where the provider's Docker host points, with what TLS or ssh options it has. */
export interface EngineSettings {
  host?: string;
  certPath?: string;
  sshOptions?: string[];
}

/**
 * The engine endpoint for a Docker host address, as the provider reads it. An address it cannot
 * reach (npipe://, an unknown scheme) is a configuration error naming the key.
 */
export function engineEndpoint(settings: EngineSettings): EngineEndpoint {
  const address = settings.host ?? DEFAULT_DOCKER_HOST;
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new Error(`"${address}" is not a Docker host address (unix://, tcp:// or ssh://)`);
  }
  switch (url.protocol) {
    case "unix:":
      return { kind: "unix", socketPath: decodeURIComponent(url.pathname) };
    case "tcp:":
    case "http:":
    case "https:": {
      const tls = settings.certPath !== undefined || url.protocol === "https:";
      const port = url.port === "" ? (tls ? 2376 : 2375) : Number(url.port);
      return { kind: "tcp", host: url.hostname, port, ...(tls ? { certPath: settings.certPath } : {}) };
    }
    case "ssh:":
      return {
        kind: "ssh",
        host: url.hostname,
        ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
        ...(url.port ? { port: Number(url.port) } : {}),
        ...(settings.sshOptions?.length ? { sshOptions: settings.sshOptions } : {}),
      };
    default:
      throw new Error(
        `"${address}": the health gate reaches the Docker engine over unix://, tcp:// or ssh://, not ${url.protocol}//`,
      );
  }
}

/**
 * The default provider's engine settings, as pulumi-docker reads them: `docker:host` else
 * DOCKER_HOST; `docker:certPath` else DOCKER_CERT_PATH (TLS when set); `docker:sshOpts`.
 */
export function providerEngineSettings(
  config: { get(key: string): string | undefined; getObject<T>(key: string): T | undefined },
  env: Readonly<Record<string, string | undefined>>,
): EngineSettings {
  const certPath = config.get("certPath") ?? env.DOCKER_CERT_PATH;
  const sshOptions = config.getObject<string[]>("sshOpts");
  return {
    host: config.get("host") ?? env.DOCKER_HOST,
    ...(certPath ? { certPath } : {}),
    ...(sshOptions?.length ? { sshOptions } : {}),
  };
}

/**
 * The engine an instance's containers run on: its own `docker.host` (an explicit provider, which
 * reads no `docker:*` config, only the environment's DOCKER_CERT_PATH), else the default
 * provider's. Throws on an address the gate cannot reach (the caller names the key).
 */
export function instanceEngine(
  host: pulumi.Input<string> | undefined,
  config: Parameters<typeof providerEngineSettings>[0],
  env: Readonly<Record<string, string | undefined>>,
): pulumi.Input<EngineEndpoint> {
  if (host === undefined) return engineEndpoint(providerEngineSettings(config, env));
  const explicit = (address: string) =>
    engineEndpoint({ host: address, ...(env.DOCKER_CERT_PATH ? { certPath: env.DOCKER_CERT_PATH } : {}) });
  return typeof host === "string" ? explicit(host) : pulumi.output(host).apply(explicit);
}

/** One Engine API answer: status, the engine's clock (its `Date` header, ms) and the raw body. */
export interface EngineResponse {
  status: number;
  date?: number;
  body: Buffer;
}

/** GET one Engine API path (e.g. `/containers/x/json`). */
export type EngineRequest = (path: string) => Promise<EngineResponse>;

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** What the gate needs; `redact` is a secret list of the values logs must never show. */
export interface HealthGateInputs {
  /** The container's name (this release's, web.ts `releaseHost`). */
  containerName: string;
  /** Digest of the container's inputs: a container replaced under the same name is gated again. */
  containerDigest: string;
  endpoint: EngineEndpoint;
  timeoutSeconds: number;
  pollSeconds: number;
  tailLines: number;
  redact: string[];
}

export interface HealthGateOutputs extends HealthGateInputs {
  /** The ID of the container found healthy. */
  containerId: string;
}

/** The part of `GET /containers/{id}/json` the gate reads. */
export interface InspectedContainer {
  Id?: string;
  Created?: string;
  RestartCount?: number;
  State?: {
    Status?: string;
    Running?: boolean;
    Restarting?: boolean;
    ExitCode?: number;
    Health?: { Status?: string; FailingStreak?: number; Log?: { ExitCode?: number; Output?: string }[] };
  };
  Config?: { Tty?: boolean };
}

/** Whether to keep waiting, or the container is healthy, or it failed (and why). */
export type HealthVerdict =
  { kind: "waiting"; why: string; stale?: true } | { kind: "healthy" } | { kind: "failed"; reason: string };

/**
 * The decision on one inspection (`container` undefined: no container of that name yet), for a
 * gate that started at `startedAt` (ms, the engine's clock).
 */
export function healthVerdict(container: InspectedContainer | undefined, startedAt: number): HealthVerdict {
  if (container === undefined) return { kind: "waiting", why: "not created yet" };
  const state = container.State ?? {};
  const health = state.Health?.Status;
  if (health === "healthy") return { kind: "healthy" };
  const created = Date.parse(container.Created ?? "");
  if (Number.isFinite(created) && created < startedAt - STALE_AFTER_SECONDS * 1000) {
    return { kind: "waiting", why: "the container this update replaces is still there", stale: true };
  }
  const code = state.ExitCode ?? 0;
  if (state.Status === "exited" || state.Status === "dead") {
    return { kind: "failed", reason: `it exited with code ${code}` };
  }
  const restarts = container.RestartCount ?? 0;
  if (state.Restarting === true || state.Status === "restarting" || restarts > 0) {
    return {
      kind: "failed",
      reason: `it keeps exiting (code ${code}) and Docker restarted it ${restarts} time${restarts === 1 ? "" : "s"}`,
    };
  }
  if (state.Health === undefined) return { kind: "failed", reason: "it has no healthcheck to wait for" };
  if (health === "unhealthy") {
    const probe = state.Health.Log?.at(-1);
    const output = probe?.Output?.trim();
    return {
      kind: "failed",
      reason: `its healthcheck failed ${state.Health.FailingStreak ?? 0} times in a row${output ? ` (last: ${output})` : ""}`,
    };
  }
  return { kind: "waiting", why: health ?? "starting" };
}

/**
 * The text of a logs response: Docker's multiplexed stream (frames of an 8-byte header, stream
 * type then a big-endian length, then the payload) unless the container has a TTY (raw text).
 */
export function demultiplexLogs(body: Buffer, tty: boolean): string {
  if (tty) return body.toString("utf8");
  const chunks: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= body.length) {
    const stream = body[offset];
    const size = body.readUInt32BE(offset + 4);
    // Not a frame header (stdin 0, stdout 1, stderr 2, systemerr 3): the body is raw text after all.
    if (stream > 3 || body[offset + 1] !== 0 || body[offset + 2] !== 0 || body[offset + 3] !== 0) {
      return body.toString("utf8");
    }
    chunks.push(body.subarray(offset + 8, Math.min(offset + 8 + size, body.length)));
    offset += 8 + size;
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** `text` with every secret value replaced, longest first (a fallback list holds shorter keys). */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const values = [...new Set(secrets)]
    .filter((s) => s.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  let redacted = text;
  for (const value of values) redacted = redacted.split(value).join(REDACTED);
  return redacted;
}

/** The last `lines` lines of `text`, at most LOG_MAX_CHARACTERS of them. */
export function boundedTail(text: string, lines: number): string {
  const tail = text.replace(/\s+$/, "").split("\n").slice(-lines).join("\n");
  return tail.length > LOG_MAX_CHARACTERS ? `...${tail.slice(-LOG_MAX_CHARACTERS)}` : tail;
}

/**
 * The values a container's env must never show in logs: every credential entry's value (`NAME=`
 * in `credentialNames`), each key of a comma-separated fallback list, and the password of a URL
 * (as written and decoded).
 */
export function secretValues(envs: readonly string[], credentialNames: readonly string[]): string[] {
  const values: string[] = [];
  for (const entry of envs) {
    const eq = entry.indexOf("=");
    if (eq < 0 || !credentialNames.includes(entry.slice(0, eq))) continue;
    const value = entry.slice(eq + 1);
    values.push(value, ...value.split(",").filter((part) => part !== ""));
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
      try {
        const password = new URL(value).password;
        if (password !== "") values.push(password, decodeURIComponent(password));
      } catch {
        // Not a URL after all: its whole value is already listed.
      }
    }
  }
  return [...new Set(values.filter((v) => v !== ""))];
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

function engineError(what: string, response: EngineResponse): Error {
  const message = (parseJson(response.body) as { message?: unknown } | undefined)?.message;
  const detail = typeof message === "string" ? message : response.body.toString("utf8").slice(0, 200);
  return new Error(
    `${what}: the Docker engine answered HTTP ${response.status}${detail ? ` (${detail})` : ""}`,
  );
}

/** The container's last log lines, demultiplexed, bounded and redacted; or why they could not be read. */
export async function containerLogs(
  request: EngineRequest,
  container: InspectedContainer,
  inputs: Pick<HealthGateInputs, "tailLines" | "redact">,
): Promise<string> {
  const id = encodeURIComponent(container.Id ?? "");
  const response = await request(`/containers/${id}/logs?stdout=1&stderr=1&tail=${inputs.tailLines}`);
  if (response.status !== 200) return `(its logs could not be read: HTTP ${response.status})`;
  const text = boundedTail(demultiplexLogs(response.body, container.Config?.Tty === true), inputs.tailLines);
  return redactSecrets(text, inputs.redact);
}

/** The update's error for a container that did not become healthy, its logs indented under it. */
export function healthFailure(name: string, reason: string, logs: string): string {
  const shown = logs === "" ? "  (it wrote nothing)" : logs.replace(/^/gm, "  | ");
  return (
    `Web container ${name} did not become healthy: ${reason}. The proxy still routes to the previous ` +
    `release, which keeps serving. Its last log lines (secrets redacted):\n${shown}\n` +
    `Fix the cause; the next \`pulumi up\` replaces this container and checks it again.`
  );
}

/**
 * Poll until the container is healthy (its outputs) or fails (an error with its logs). A container
 * that disappears after being seen (removed by hand) keeps the wait going until the timeout.
 */
export async function awaitHealthy(
  request: EngineRequest,
  clock: Clock,
  inputs: HealthGateInputs,
): Promise<HealthGateOutputs> {
  const name = inputs.containerName;
  const deadline = clock.now() + inputs.timeoutSeconds * 1000;
  let startedAt: number | undefined;
  let last: InspectedContainer | undefined;
  let why = "not created yet";
  for (;;) {
    const response = await request(`/containers/${encodeURIComponent(name)}/json`);
    startedAt ??= response.date ?? clock.now();
    let container: InspectedContainer | undefined;
    if (response.status === 200) {
      container = parseJson(response.body) as InspectedContainer | undefined;
      if (container === undefined) throw engineError(`Inspecting container ${name}`, response);
    } else if (response.status !== 404) {
      throw engineError(`Inspecting container ${name}`, response);
    }
    const verdict = healthVerdict(container, startedAt);
    if (verdict.kind === "healthy") return { ...inputs, containerId: container?.Id ?? name };
    if (verdict.kind === "failed") {
      throw new Error(healthFailure(name, verdict.reason, await containerLogs(request, container!, inputs)));
    }
    if (container !== undefined && verdict.stale !== true) last = container;
    why = verdict.why;
    if (clock.now() + inputs.pollSeconds * 1000 > deadline) break;
    await clock.sleep(inputs.pollSeconds * 1000);
  }
  const reason = `it was still ${why} after ${inputs.timeoutSeconds}s`;
  const logs = last === undefined ? "" : await containerLogs(request, last, inputs);
  throw new Error(healthFailure(name, reason, logs));
}

/** Node's http/https request options for an endpoint (ssh connects through `createConnection`). */
function requestOptions(endpoint: EngineEndpoint, path: string): Record<string, unknown> {
  // A socket or ssh's stdio has no host name: the Docker client sends a placeholder one.
  const base = { method: "GET", path, headers: { host: "docker" } };
  if (endpoint.kind === "unix") return { ...base, socketPath: endpoint.socketPath };
  // Over tcp the Host header is the engine's address, as the Docker client sends it. Node also
  // takes the TLS server name from that header, and checks the engine's certificate against it:
  // a placeholder would refuse every certificate (issued for the host's name or IP address).
  const tcp = { method: "GET", path, host: endpoint.host, port: endpoint.port };
  if (endpoint.kind === "tcp" && endpoint.certPath === undefined) return tcp;
  if (endpoint.kind === "tcp") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- required where used: the serialized provider captures no module scope
    const fs = require("fs") as typeof import("fs");
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
    const nodePath = require("path") as typeof import("path");
    const file = (name: string) => fs.readFileSync(nodePath.join(endpoint.certPath ?? "", name));
    return {
      ...tcp,
      ca: file("ca.pem"),
      cert: file("cert.pem"),
      key: file("key.pem"),
    };
  }
  return { ...base, createConnection: () => sshDialStdio(endpoint) };
}

/**
 * `ssh [-l user] [-p port] [opts] host -- docker system dial-stdio`: the Docker CLI's (and the
 * provider's) connection helper for ssh:// hosts, one connection per request.
 */
export function sshDialStdio(endpoint: EngineEndpoint): import("stream").Duplex {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
  const { spawn } = require("child_process") as typeof import("child_process");
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
  const { Duplex } = require("stream") as typeof import("stream");
  const args = [
    ...(endpoint.user ? ["-l", endpoint.user] : []),
    ...(endpoint.port ? ["-p", String(endpoint.port)] : []),
    ...(endpoint.sshOptions ?? []),
    "-T",
    endpoint.host ?? "",
    "--",
    "docker",
    "system",
    "dial-stdio",
  ];
  const child = spawn("ssh", args, { stdio: ["pipe", "pipe", "inherit"], env: process.env });
  const duplex = Duplex.from({ readable: child.stdout, writable: child.stdin });
  duplex.on("close", () => child.kill());
  return duplex;
}

/** The endpoint, for a failure to reach it: `tcp://host:port (TLS)`, the socket, the ssh host. */
export function engineAddress(endpoint: EngineEndpoint): string {
  if (endpoint.kind === "unix") return `unix://${endpoint.socketPath ?? ""}`;
  if (endpoint.kind === "ssh")
    return `ssh://${endpoint.user ? `${endpoint.user}@` : ""}${endpoint.host ?? ""}`;
  const tls = endpoint.certPath === undefined ? "" : ` (TLS, certificates from ${endpoint.certPath})`;
  return `tcp://${endpoint.host ?? ""}:${endpoint.port ?? ""}${tls}`;
}

/** The real transport: one GET over the endpoint, the whole body read. */
export function engineRequest(endpoint: EngineEndpoint): EngineRequest {
  // A refused connection or TLS handshake says only "socket hang up": name the engine it was.
  const unreachable = (error: Error) =>
    new Error(`Could not reach the Docker engine at ${engineAddress(endpoint)}: ${error.message}`);
  return (path) =>
    new Promise((resolve, reject) => {
      const tls = endpoint.kind === "tcp" && endpoint.certPath !== undefined;
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
      const http = require(tls ? "https" : "http") as typeof import("http");
      const req = http.request(requestOptions(endpoint, path), (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const date = Date.parse(String(res.headers.date ?? ""));
          resolve({
            status: res.statusCode ?? 0,
            ...(Number.isFinite(date) ? { date } : {}),
            body: Buffer.concat(chunks),
          });
        });
        res.on("error", (error) => reject(unreachable(error)));
      });
      req.on("error", (error) => reject(unreachable(error)));
      req.end();
    });
}

const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A new wait is needed when the container (its name or its inputs) or the engine changed. */
export function gateChanged(olds: Partial<HealthGateInputs>, news: HealthGateInputs): boolean {
  return (
    olds.containerName !== news.containerName ||
    olds.containerDigest !== news.containerDigest ||
    JSON.stringify(olds.endpoint) !== JSON.stringify(news.endpoint)
  );
}

// Locals exported by name: Pulumi's closure serializer does not capture `exports.NAME`, so a
// module-level `export const` would be undefined inside the serialized provider.
export {
  DEFAULT_DOCKER_HOST,
  LOG_MAX_CHARACTERS,
  LOG_TAIL_LINES,
  MIN_SECRET_LENGTH,
  REDACTED,
  STALE_AFTER_SECONDS,
  systemClock,
};

/** One wait over the real transport and clock. */
const waitForHealthy = (inputs: HealthGateInputs) =>
  awaitHealthy(engineRequest(inputs.endpoint), systemClock, inputs);

/** The dynamic provider: wait on create and on a changed container, nothing to delete. */
export const healthGateProvider: pulumi.dynamic.ResourceProvider<HealthGateInputs, HealthGateOutputs> = {
  diff: async (_id, olds, news) => ({ changes: gateChanged(olds, news) }),
  create: async (inputs) => ({ id: inputs.containerName, outs: await waitForHealthy(inputs) }),
  update: async (_id, _olds, news) => ({ outs: await waitForHealthy(news) }),
  // Waiting is all it does: deleting the gate leaves the container alone.
  delete: async () => {},
};

export interface HealthGateArgs {
  containerName: pulumi.Input<string>;
  containerDigest: pulumi.Input<string>;
  endpoint: pulumi.Input<EngineEndpoint>;
  timeoutSeconds: pulumi.Input<number>;
  pollSeconds?: pulumi.Input<number>;
  tailLines?: pulumi.Input<number>;
  /** Values the logs must never show (wrapped in pulumi.secret here). */
  redact: pulumi.Input<pulumi.Input<string>[]>;
}

/** The provider's inputs: defaults filled in, the values to redact secret, the output declared. */
function gateProperties(args: HealthGateArgs): pulumi.Inputs {
  return {
    ...args,
    pollSeconds: args.pollSeconds ?? 2,
    tailLines: args.tailLines ?? LOG_TAIL_LINES,
    redact: pulumi.secret(args.redact),
    containerId: undefined,
  };
}

/** One awaited healthy start of a web container; the route switch depends on it. */
export class HealthGate extends pulumi.dynamic.Resource {
  declare readonly containerId: pulumi.Output<string>;

  constructor(name: string, args: HealthGateArgs, opts?: pulumi.CustomResourceOptions) {
    super(healthGateProvider, name, gateProperties(args), opts, "agency-deploy", "HealthGate");
  }
}

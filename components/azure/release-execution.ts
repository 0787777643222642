/**
 * ReleaseExecution: starts one execution of the release Container Apps Job during `pulumi up`,
 * waits for it to finish, and fails the update unless it succeeded.
 *
 * azure-native has no resource that starts a job execution, so this is a Pulumi dynamic
 * provider that calls the ARM REST API directly:
 *   POST {jobId}/start                        -> the execution's name (200 body, or via the 202 Location)
 *   GET  {jobId}/executions/{name}            -> properties.status until it is terminal
 *   POST {jobId}/executions/{name}/stop       -> only when the wait times out
 * It authenticates with a bearer token from azure-native's own `getClientToken` invoke, so it needs
 * exactly the credentials `pulumi up` already has for azure-native. That token is fetched when the
 * program starts and may expire before a long release ends: on a 401 the provider gets a new one
 * the way Azure's own tools do (azureTokenSource: the ARM_* service principal, a managed identity,
 * or the az CLI's login).
 *
 * ARM answers throttled requests with 429 and has transient 5xx: every call retries those, waiting
 * Retry-After when ARM sends it and an exponential backoff otherwise (armSession). A poll that
 * gave up mid-release would leave the execution running while the next `up` starts a second,
 * concurrent migration, so before starting, runRelease looks for an execution still running: one
 * of the same image is this release (it is awaited instead of started again); an older one is
 * awaited to its end before this one starts.
 *
 * The provider is serialised into the state by Pulumi's closure serialisation and run in a
 * separate process, so everything it calls lives in this file and imports nothing at runtime
 * (Node's global `fetch` does the HTTP).
 */
import * as pulumi from "@pulumi/pulumi";

// The provider's functions reach the module's constants as locals, declared here and exported by
// name below: TypeScript compiles a use of an `export const` to `exports.NAME`, and Pulumi's closure
// serialisation does not capture `exports`, so the serialised provider would read `undefined`.

/** The Container Apps API version the calls use (GA; the same surface `az containerapp job start` uses). */
const CONTAINER_APPS_API_VERSION = "2025-07-01";

/** What the provider needs; `token` is a secret ARM bearer token, never written to outputs. */
export interface ReleaseExecutionInputs {
  /** ARM id of the Container Apps Job. */
  jobId: string;
  /** The image the job runs; a change starts a new execution. */
  image: string;
  /** Digest of the rendered release steps; a change starts a new execution. */
  stepsDigest: string;
  /** ARM endpoint, e.g. https://management.azure.com */
  managementEndpoint: string;
  token: string;
  /** How long to wait for the execution to finish before stopping it and failing. */
  timeoutSeconds: number;
  pollSeconds: number;
}

/** What the state keeps about the last successful release. */
export interface ReleaseExecutionOutputs {
  jobId: string;
  image: string;
  stepsDigest: string;
  executionName: string;
  status: string;
  /** The image of the release before this one ("" on the first release): the rollback target. */
  previousImage: string;
}

/** One ARM response, reduced to what the release decision needs. */
export interface ArmResponse {
  status: number;
  location?: string;
  retryAfterSeconds?: number;
  body: unknown;
}

/** One ARM call; a POST sends `body` as JSON (`{}` when absent). */
export type ArmRequest = (
  method: "GET" | "POST",
  url: string,
  token: string,
  body?: unknown,
) => Promise<ArmResponse>;

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** A job execution's state, as the release sees it. */
export type ExecutionOutcome = "running" | "succeeded" | "failed";

/**
 * Map `properties.status` (JobExecutionRunningState: Running, Processing, Stopped, Degraded,
 * Failed, Unknown, Succeeded) to the release's decision. Unknown and missing values keep the
 * wait going: the timeout, not a guess, ends it.
 */
export function executionOutcome(status: string | undefined): ExecutionOutcome {
  switch ((status ?? "").toLowerCase()) {
    case "succeeded":
      return "succeeded";
    case "failed":
    case "stopped":
    case "degraded":
      return "failed";
    default:
      return "running";
  }
}

/** `https://management.azure.com` + `/subscriptions/.../jobs/x` + `/start` + api-version. */
export function armUrl(
  endpoint: string,
  resourceId: string,
  suffix: string,
  apiVersion: string = CONTAINER_APPS_API_VERSION,
): string {
  const base = endpoint.replace(/\/+$/, "");
  return `${base}${resourceId}${suffix}?api-version=${apiVersion}`;
}

function executionName(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const name = (body as { name?: unknown }).name;
  return typeof name === "string" && name !== "" ? name : undefined;
}

function executionStatus(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const properties = (body as { properties?: unknown }).properties;
  if (typeof properties !== "object" || properties === null) return undefined;
  const status = (properties as { status?: unknown }).status;
  return typeof status === "string" ? status : undefined;
}

function armError(what: string, response: ArmResponse): Error {
  return new Error(`${what} failed with HTTP ${response.status}: ${JSON.stringify(response.body)}`);
}

/** How many times one ARM call is retried after a 429 or a 5xx. */
const ARM_RETRIES = 6;
/** The backoff's ceiling between two retries, when ARM sends no Retry-After. */
const MAX_BACKOFF_SECONDS = 60;

/** A new ARM bearer token, for when the one the program started with expired (HTTP 401). */
export type TokenSource = () => Promise<string>;

/** The token the calls use, shared by every call of one release, and how to renew it. */
export interface Tokens {
  current: string;
  refresh?: TokenSource;
}

/** ARM calls with the release's retry policy and its current token. */
export interface ArmSession {
  call(method: "GET" | "POST", url: string, body?: unknown): Promise<ArmResponse>;
}

/** Throttled (429) or a transient server error (5xx): worth another try. */
export function retryable(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Seconds before retry `attempt` (0-based): Retry-After when given, else 2, 4, 8, ... capped. */
export function retryDelaySeconds(attempt: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined) return retryAfterSeconds;
  return Math.min(2 ** (attempt + 1), MAX_BACKOFF_SECONDS);
}

/**
 * Every call: a 401 gets one token refresh and is repeated; a 429 or 5xx is retried up to
 * ARM_RETRIES times (`retryServerErrors: false` retries only 429, for calls that must not repeat
 * after ARM may have acted on them); whatever comes back then is the caller's to judge.
 */
export function armSession(
  request: ArmRequest,
  clock: Clock,
  tokens: Tokens,
  options: { retryServerErrors?: boolean } = {},
): ArmSession {
  const serverErrors = options.retryServerErrors ?? true;
  return {
    async call(method, url, body) {
      let refreshed = false;
      for (let attempt = 0; ; attempt++) {
        const response = await request(method, url, tokens.current, body);
        if (response.status === 401 && tokens.refresh !== undefined && !refreshed) {
          tokens.current = await tokens.refresh();
          refreshed = true;
          continue;
        }
        const again = response.status === 429 || (serverErrors && response.status >= 500);
        if (again && attempt < ARM_RETRIES) {
          await clock.sleep(retryDelaySeconds(attempt, response.retryAfterSeconds) * 1000);
          continue;
        }
        return response;
      }
    },
  };
}

/** What a token endpoint or the az CLI answered, reduced to the token. */
function accessToken(body: unknown, field: "access_token" | "accessToken"): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const value = (body as Record<string, unknown>)[field];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** How the provider posts a token request (a form) and runs the az CLI; injectable for tests. */
export interface TokenTransport {
  postForm(url: string, form: Record<string, string>, headers?: Record<string, string>): Promise<ArmResponse>;
  get(url: string, headers: Record<string, string>): Promise<ArmResponse>;
  az(args: string[]): Promise<string>;
}

/**
 * A fresh ARM token from the credentials Azure's tools read (in this order): a service principal
 * (ARM_CLIENT_ID, ARM_CLIENT_SECRET, ARM_TENANT_ID; the authority from AZURE_AUTHORITY_HOST), a
 * managed identity (ARM_USE_MSI=true), else the az CLI's login.
 */
export function azureTokenSource(
  endpoint: string,
  env: Readonly<Record<string, string | undefined>>,
  transport: TokenTransport = nodeTokenTransport,
): TokenSource {
  const resource = endpoint.replace(/\/+$/, "");
  return async () => {
    const { ARM_CLIENT_ID: clientId, ARM_CLIENT_SECRET: secret, ARM_TENANT_ID: tenant } = env;
    if (clientId && secret && tenant) {
      const authority = (env.AZURE_AUTHORITY_HOST ?? "https://login.microsoftonline.com").replace(/\/+$/, "");
      const response = await transport.postForm(`${authority}/${tenant}/oauth2/v2.0/token`, {
        grant_type: "client_credentials",
        client_id: clientId,
        client_secret: secret,
        scope: `${resource}/.default`,
      });
      const token = accessToken(response.body, "access_token");
      if (response.status !== 200 || token === undefined) {
        throw new Error(`Refreshing the ARM token for ${clientId} failed with HTTP ${response.status}`);
      }
      return token;
    }
    if (env.ARM_USE_MSI === "true") {
      const client = clientId ? `&client_id=${encodeURIComponent(clientId)}` : "";
      const response = await transport.get(
        `http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${encodeURIComponent(resource)}${client}`,
        { Metadata: "true" },
      );
      const token = accessToken(response.body, "access_token");
      if (response.status !== 200 || token === undefined) {
        throw new Error(
          `Refreshing the ARM token from the managed identity failed with HTTP ${response.status}`,
        );
      }
      return token;
    }
    const out = await transport.az([
      "account",
      "get-access-token",
      "--resource",
      resource,
      "--output",
      "json",
    ]);
    const token = accessToken(JSON.parse(out) as unknown, "accessToken");
    if (token === undefined) throw new Error("`az account get-access-token` returned no token");
    return token;
  };
}

/** An execution that has not finished yet, and the image it runs. */
export interface RunningExecution {
  name: string;
  image?: string;
}

function executionImage(body: unknown): string | undefined {
  const template = (body as { properties?: { template?: { containers?: { image?: unknown }[] } } }).properties
    ?.template;
  const image = template?.containers?.[0]?.image;
  return typeof image === "string" ? image : undefined;
}

/** The job's executions that are still running (Running, Processing, Unknown), newest first as ARM lists them. */
export async function runningExecutions(
  session: ArmSession,
  inputs: ReleaseExecutionInputs,
): Promise<RunningExecution[]> {
  const listed = await session.call("GET", armUrl(inputs.managementEndpoint, inputs.jobId, "/executions"));
  if (listed.status !== 200) throw armError(`Listing the executions of release job ${inputs.jobId}`, listed);
  const value = (listed.body as { value?: unknown }).value;
  if (!Array.isArray(value)) return [];
  return value
    .filter((execution) => executionOutcome(executionStatus(execution)) === "running")
    .map((execution) => ({ name: executionName(execution) ?? "", image: executionImage(execution) }))
    .filter((execution) => execution.name !== "");
}

/**
 * Start the job and return the execution's name (following a 202 Location when the body has none).
 * The start is retried on 429 (ARM did not take it); after a 5xx ARM may have started it anyway,
 * so a running execution of this image is taken as this release before starting again.
 */
export async function startExecution(
  request: ArmRequest,
  clock: Clock,
  inputs: ReleaseExecutionInputs,
  tokens: Tokens = { current: inputs.token },
): Promise<string> {
  const session = armSession(request, clock, tokens);
  const starts = armSession(request, clock, tokens, { retryServerErrors: false });
  let started = await starts.call("POST", armUrl(inputs.managementEndpoint, inputs.jobId, "/start"));
  for (let attempt = 0; started.status >= 500 && attempt < ARM_RETRIES; attempt++) {
    const same = (await runningExecutions(session, inputs)).find((e) => e.image === inputs.image);
    if (same !== undefined) return same.name;
    await clock.sleep(retryDelaySeconds(attempt, started.retryAfterSeconds) * 1000);
    started = await starts.call("POST", armUrl(inputs.managementEndpoint, inputs.jobId, "/start"));
  }
  if (started.status !== 200 && started.status !== 202) {
    throw armError(`Starting release job ${inputs.jobId}`, started);
  }
  const named = executionName(started.body);
  if (named !== undefined) return named;
  if (started.location === undefined) {
    throw new Error(`Starting release job ${inputs.jobId} returned neither an execution name nor a Location`);
  }
  const deadline = clock.now() + inputs.timeoutSeconds * 1000;
  let retryAfter = started.retryAfterSeconds;
  while (clock.now() < deadline) {
    await clock.sleep((retryAfter ?? inputs.pollSeconds) * 1000);
    const operation = await session.call("GET", started.location);
    if (operation.status === 202) {
      retryAfter = operation.retryAfterSeconds;
      continue;
    }
    if (operation.status !== 200)
      throw armError(`Following the start of release job ${inputs.jobId}`, operation);
    const name = executionName(operation.body);
    if (name === undefined)
      throw new Error(`The start of release job ${inputs.jobId} finished without an execution name`);
    return name;
  }
  throw new Error(`Release job ${inputs.jobId} did not start within ${inputs.timeoutSeconds}s`);
}

/**
 * Wait for the execution to reach a terminal state. Succeeded returns its status; failed states
 * throw; a timeout stops the execution (so a hung migration does not keep holding locks) and throws.
 */
export async function awaitExecution(
  request: ArmRequest,
  clock: Clock,
  inputs: ReleaseExecutionInputs,
  name: string,
  options: { tokens?: Tokens; tolerateFailure?: boolean } = {},
): Promise<string> {
  const session = armSession(request, clock, options.tokens ?? { current: inputs.token });
  const executionId = `${inputs.jobId}/executions/${name}`;
  const logsHint =
    `Its logs are in the environment's Log Analytics workspace (ContainerAppConsoleLogs_CL, ` +
    `ContainerJobName_s = "${inputs.jobId.split("/").pop() ?? ""}", ContainerGroupName_s starting with "${name}").`;
  const deadline = clock.now() + inputs.timeoutSeconds * 1000;
  for (;;) {
    const polled = await session.call("GET", armUrl(inputs.managementEndpoint, executionId, ""));
    if (polled.status !== 200) throw armError(`Reading release execution ${name}`, polled);
    const status = executionStatus(polled.body);
    const outcome = executionOutcome(status);
    if (outcome === "succeeded") return status ?? "Succeeded";
    if (outcome === "failed" && options.tolerateFailure === true) return status ?? "Failed";
    if (outcome === "failed") {
      throw new Error(
        `Release execution ${name} ended with status ${status}; the web app was not updated. ${logsHint}`,
      );
    }
    if (clock.now() + inputs.pollSeconds * 1000 > deadline) {
      const stopped = await session.call("POST", armUrl(inputs.managementEndpoint, executionId, "/stop"));
      const stopNote =
        stopped.status < 300 ? "it was stopped" : `stopping it failed with HTTP ${stopped.status}`;
      throw new Error(
        `Release execution ${name} was still ${status ?? "running"} after ${inputs.timeoutSeconds}s; ${stopNote}. ${logsHint}`,
      );
    }
    await clock.sleep(inputs.pollSeconds * 1000);
  }
}

/**
 * Start, wait, and describe the finished release; `previousImage` is the image released before.
 * An execution still running (a previous `up` that stopped polling) is never doubled: one of this
 * image is this release and is awaited; an older one is awaited to its end, then this one starts.
 */
export async function runRelease(
  request: ArmRequest,
  clock: Clock,
  inputs: ReleaseExecutionInputs,
  previousImage: string,
  refresh?: TokenSource,
): Promise<ReleaseExecutionOutputs> {
  const tokens: Tokens = { current: inputs.token, refresh };
  const session = armSession(request, clock, tokens);
  let name: string | undefined;
  for (const running of await runningExecutions(session, inputs)) {
    if (running.image === inputs.image) {
      name = running.name;
      break;
    }
    await awaitExecution(request, clock, inputs, running.name, { tokens, tolerateFailure: true });
  }
  name ??= await startExecution(request, clock, inputs, tokens);
  const status = await awaitExecution(request, clock, inputs, name, { tokens });
  return {
    jobId: inputs.jobId,
    image: inputs.image,
    stepsDigest: inputs.stepsDigest,
    executionName: name,
    status,
    previousImage,
  };
}

/** A new execution is needed exactly when the job, its image or its steps changed. */
export function releaseChanged(
  olds: Partial<ReleaseExecutionOutputs>,
  news: ReleaseExecutionInputs,
): boolean {
  return olds.jobId !== news.jobId || olds.image !== news.image || olds.stepsDigest !== news.stepsDigest;
}

/** A response's body: its JSON, or the text itself (an error page stays as text so the error shows it). */
function parsedBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The real HTTP transport: Node's global fetch. */
export async function fetchArm(
  method: "GET" | "POST",
  url: string,
  token: string,
  payload?: unknown,
): Promise<ArmResponse> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: method === "POST" ? JSON.stringify(payload ?? {}) : undefined,
  });
  const text = await response.text();
  const body = text === "" ? {} : parsedBody(text);
  const retryAfter = Number(response.headers.get("retry-after"));
  return {
    status: response.status,
    location: response.headers.get("location") ?? undefined,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    body,
  };
}

/** The real token transport: Node's global fetch and the az CLI (a builtin module, no SDK). */
const nodeTokenTransport: TokenTransport = {
  async postForm(url, form) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
    return { status: response.status, body: parsedBody(await response.text()) };
  },
  async get(url, headers) {
    const response = await fetch(url, { headers });
    return { status: response.status, body: parsedBody(await response.text()) };
  },
  az(args) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded when needed, in the provider's process
    const { execFile } = require("child_process") as typeof import("child_process");
    return new Promise((resolve, reject) =>
      execFile("az", args, { encoding: "utf8" }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      ),
    );
  },
};

const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

// Locals exported by name: Pulumi's closure serializer does not capture `exports.NAME`, so a
// module-level `export const` would be undefined inside the serialized provider.
export { ARM_RETRIES, CONTAINER_APPS_API_VERSION, MAX_BACKOFF_SECONDS, nodeTokenTransport, systemClock };

/** The dynamic provider: diff on job/image/steps, run on create and update, nothing to delete. */
export const releaseExecutionProvider: pulumi.dynamic.ResourceProvider<
  ReleaseExecutionInputs,
  ReleaseExecutionOutputs
> = {
  async diff(_id, olds, news) {
    return { changes: releaseChanged(olds, news) };
  },
  async create(inputs) {
    const refresh = azureTokenSource(inputs.managementEndpoint, process.env);
    const outs = await runRelease(fetchArm, systemClock, inputs, "", refresh);
    return { id: `${inputs.jobId}/executions/${outs.executionName}`, outs };
  },
  async update(_id, olds, news) {
    const previous = olds.image !== news.image ? olds.image : olds.previousImage;
    const refresh = azureTokenSource(news.managementEndpoint, process.env);
    return { outs: await runRelease(fetchArm, systemClock, news, previous ?? "", refresh) };
  },
  // An execution is history: deleting the resource leaves it (and the job's retention) alone.
  async delete() {},
};

/** A dynamic resource's args: each input of its provider, as a Pulumi input. */
export type DynamicResourceArgs<Inputs> = { [Name in keyof Inputs]: pulumi.Input<Inputs[Name]> };

export type ReleaseExecutionArgs = DynamicResourceArgs<ReleaseExecutionInputs>;

/** One awaited run of the release job; the web app depends on it. */
export class ReleaseExecution extends pulumi.dynamic.Resource {
  declare readonly executionName: pulumi.Output<string>;
  declare readonly status: pulumi.Output<string>;
  declare readonly image: pulumi.Output<string>;
  declare readonly previousImage: pulumi.Output<string>;

  constructor(name: string, args: ReleaseExecutionArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      releaseExecutionProvider,
      name,
      {
        ...args,
        token: pulumi.secret(args.token),
        executionName: undefined,
        status: undefined,
        previousImage: undefined,
      },
      { ...opts, additionalSecretOutputs: ["token"] },
      "agency-deploy",
      "ReleaseExecution",
    );
  }
}

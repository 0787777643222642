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
 * exactly the credentials `pulumi up` already has for azure-native: no az CLI, no extra SDK.
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

export type ArmRequest = (method: "GET" | "POST", url: string, token: string) => Promise<ArmResponse>;

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
export function armUrl(endpoint: string, resourceId: string, suffix: string): string {
  const base = endpoint.replace(/\/+$/, "");
  return `${base}${resourceId}${suffix}?api-version=${CONTAINER_APPS_API_VERSION}`;
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

/** Start the job and return the execution's name (following a 202 Location when the body has none). */
export async function startExecution(
  request: ArmRequest,
  clock: Clock,
  inputs: ReleaseExecutionInputs,
): Promise<string> {
  const started = await request(
    "POST",
    armUrl(inputs.managementEndpoint, inputs.jobId, "/start"),
    inputs.token,
  );
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
    const operation = await request("GET", started.location, inputs.token);
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
): Promise<string> {
  const executionId = `${inputs.jobId}/executions/${name}`;
  const logsHint =
    `Its logs are in the environment's Log Analytics workspace (ContainerAppConsoleLogs_CL, ` +
    `ContainerJobName_s = "${inputs.jobId.split("/").pop() ?? ""}", ContainerGroupName_s starting with "${name}").`;
  const deadline = clock.now() + inputs.timeoutSeconds * 1000;
  for (;;) {
    const polled = await request("GET", armUrl(inputs.managementEndpoint, executionId, ""), inputs.token);
    if (polled.status !== 200) throw armError(`Reading release execution ${name}`, polled);
    const status = executionStatus(polled.body);
    const outcome = executionOutcome(status);
    if (outcome === "succeeded") return status ?? "Succeeded";
    if (outcome === "failed") {
      throw new Error(
        `Release execution ${name} ended with status ${status}; the web app was not updated. ${logsHint}`,
      );
    }
    if (clock.now() + inputs.pollSeconds * 1000 > deadline) {
      const stopped = await request(
        "POST",
        armUrl(inputs.managementEndpoint, executionId, "/stop"),
        inputs.token,
      );
      const stopNote =
        stopped.status < 300 ? "it was stopped" : `stopping it failed with HTTP ${stopped.status}`;
      throw new Error(
        `Release execution ${name} was still ${status ?? "running"} after ${inputs.timeoutSeconds}s; ${stopNote}. ${logsHint}`,
      );
    }
    await clock.sleep(inputs.pollSeconds * 1000);
  }
}

/** Start, wait, and describe the finished release; `previousImage` is the image released before. */
export async function runRelease(
  request: ArmRequest,
  clock: Clock,
  inputs: ReleaseExecutionInputs,
  previousImage: string,
): Promise<ReleaseExecutionOutputs> {
  const name = await startExecution(request, clock, inputs);
  const status = await awaitExecution(request, clock, inputs, name);
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

/** The real HTTP transport: Node's global fetch. */
export async function fetchArm(method: "GET" | "POST", url: string, token: string): Promise<ArmResponse> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: method === "POST" ? "{}" : undefined,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === "" ? {} : JSON.parse(text);
  } catch {
    // A non-JSON error page stays as text so the error message shows it.
  }
  const retryAfter = Number(response.headers.get("retry-after"));
  return {
    status: response.status,
    location: response.headers.get("location") ?? undefined,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    body,
  };
}

const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export { CONTAINER_APPS_API_VERSION, systemClock };

/** The dynamic provider: diff on job/image/steps, run on create and update, nothing to delete. */
export const releaseExecutionProvider: pulumi.dynamic.ResourceProvider<
  ReleaseExecutionInputs,
  ReleaseExecutionOutputs
> = {
  async diff(_id, olds, news) {
    return { changes: releaseChanged(olds, news) };
  },
  async create(inputs) {
    const outs = await runRelease(fetchArm, systemClock, inputs, "");
    return { id: `${inputs.jobId}/executions/${outs.executionName}`, outs };
  },
  async update(_id, olds, news) {
    const previous = olds.image !== news.image ? olds.image : olds.previousImage;
    return { outs: await runRelease(fetchArm, systemClock, news, previous ?? "") };
  },
  // An execution is history: deleting the resource leaves it (and the job's retention) alone.
  async delete() {},
};

export interface ReleaseExecutionArgs {
  jobId: pulumi.Input<string>;
  image: pulumi.Input<string>;
  stepsDigest: pulumi.Input<string>;
  managementEndpoint: pulumi.Input<string>;
  token: pulumi.Input<string>;
  timeoutSeconds: pulumi.Input<number>;
  pollSeconds: pulumi.Input<number>;
}

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

import * as http from "http";
import type { AddressInfo } from "net";
import {
  armSession,
  azureTokenSource,
  fetchArm,
  nodeTokenTransport,
  retryDelaySeconds,
  ArmRequest,
  ArmResponse,
  armUrl,
  awaitExecution,
  Clock,
  executionOutcome,
  releaseChanged,
  releaseExecutionProvider,
  ReleaseExecutionInputs,
  runRelease,
  startExecution,
} from "../../../components/azure/release-execution";

const JOB = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.App/jobs/riverside-release";
const INPUTS: ReleaseExecutionInputs = {
  jobId: JOB,
  image: "acr.azurecr.io/riverside@sha256:new",
  stepsDigest: "sha256:steps",
  managementEndpoint: "https://management.azure.com/",
  token: "secret-token",
  timeoutSeconds: 60,
  pollSeconds: 10,
};

interface Call {
  method: string;
  url: string;
  token: string;
}

/** A scripted ARM: answers each request with the next response for its method+path. */
function scriptedArm(routes: Record<string, ArmResponse[]>): { request: ArmRequest; calls: Call[] } {
  const calls: Call[] = [];
  const request: ArmRequest = async (method, url, token) => {
    calls.push({ method, url, token });
    const key = `${method} ${url.replace("https://management.azure.com", "").split("?")[0]}`;
    const queue = routes[key];
    if (queue === undefined || queue.length === 0) throw new Error(`unexpected request ${key}`);
    return queue.length > 1 ? queue.shift()! : queue[0];
  };
  return { request, calls };
}

/** A clock that advances only when slept on. */
function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

const execution = (status: string): ArmResponse => ({
  status: 200,
  body: { name: "exec-1", properties: { status } },
});

describe("executionOutcome", () => {
  it.each([
    ["Succeeded", "succeeded"],
    ["Failed", "failed"],
    ["Stopped", "failed"],
    ["Degraded", "failed"],
    ["Running", "running"],
    ["Processing", "running"],
    ["Unknown", "running"],
    [undefined, "running"],
  ])("treats status %s as %s", (status, outcome) => {
    expect(executionOutcome(status)).toBe(outcome);
  });
});

describe("armUrl", () => {
  it("joins the endpoint, the resource id and the suffix with the pinned api-version", () => {
    expect(armUrl("https://management.azure.com/", JOB, "/start")).toBe(
      `https://management.azure.com${JOB}/start?api-version=2025-07-01`,
    );
  });
});

describe("startExecution", () => {
  it("POSTs to the job's start endpoint with the bearer token and returns the execution name", async () => {
    const arm = scriptedArm({
      [`POST ${JOB}/start`]: [{ status: 200, body: { name: "exec-1", id: `${JOB}/executions/exec-1` } }],
    });
    await expect(startExecution(arm.request, fakeClock(), INPUTS)).resolves.toBe("exec-1");
    expect(arm.calls).toEqual([
      {
        method: "POST",
        url: `https://management.azure.com${JOB}/start?api-version=2025-07-01`,
        token: "secret-token",
      },
    ]);
  });

  it("follows a 202 Location until the operation names the execution, honouring Retry-After", async () => {
    const location = "https://management.azure.com/operations/op-1";
    const arm = scriptedArm({
      [`POST ${JOB}/start`]: [{ status: 202, location, retryAfterSeconds: 3, body: {} }],
      "GET /operations/op-1": [
        { status: 202, retryAfterSeconds: 5, body: {} },
        { status: 200, body: { name: "exec-2" } },
      ],
    });
    const clock = fakeClock();
    await expect(startExecution(arm.request, clock, INPUTS)).resolves.toBe("exec-2");
    expect(clock.slept).toEqual([3000, 5000]);
  });

  it("fails with the HTTP status and body when the start is refused", async () => {
    const arm = scriptedArm({
      [`POST ${JOB}/start`]: [{ status: 403, body: { error: { code: "AuthorizationFailed" } } }],
    });
    await expect(startExecution(arm.request, fakeClock(), INPUTS)).rejects.toThrow(
      /Starting release job .*riverside-release failed with HTTP 403: .*AuthorizationFailed/,
    );
  });
});

describe("awaitExecution", () => {
  const path = `GET ${JOB}/executions/exec-1`;

  it("polls until the execution succeeds", async () => {
    const arm = scriptedArm({
      [path]: [execution("Processing"), execution("Running"), execution("Succeeded")],
    });
    const clock = fakeClock();
    await expect(awaitExecution(arm.request, clock, INPUTS, "exec-1")).resolves.toBe("Succeeded");
    expect(clock.slept).toEqual([10000, 10000]);
  });

  it("fails the deployment when the execution fails, pointing at its logs", async () => {
    const arm = scriptedArm({ [path]: [execution("Running"), execution("Failed")] });
    await expect(awaitExecution(arm.request, fakeClock(), INPUTS, "exec-1")).rejects.toThrow(
      /Release execution exec-1 ended with status Failed; the web app was not updated.*ContainerAppConsoleLogs_CL/,
    );
  });

  it("stops the execution and fails when it outlives the timeout", async () => {
    const arm = scriptedArm({
      [path]: [execution("Running")],
      [`POST ${JOB}/executions/exec-1/stop`]: [{ status: 202, body: {} }],
    });
    const clock = fakeClock();
    await expect(awaitExecution(arm.request, clock, INPUTS, "exec-1")).rejects.toThrow(
      /exec-1 was still Running after 60s; it was stopped/,
    );
    // Polled at 0, 10, ... 60 s: the whole timeout, then stopped.
    expect(arm.calls.filter((c) => c.method === "GET")).toHaveLength(7);
    expect(arm.calls.at(-1)?.url).toBe(
      `https://management.azure.com${JOB}/executions/exec-1/stop?api-version=2025-07-01`,
    );
  });

  it("fails when the execution cannot be read", async () => {
    const arm = scriptedArm({ [path]: [{ status: 404, body: { error: "NotFound" } }] });
    await expect(awaitExecution(arm.request, fakeClock(), INPUTS, "exec-1")).rejects.toThrow(/HTTP 404/);
  });
});

describe("runRelease", () => {
  it("reports the released image, the execution and the previous image", async () => {
    const arm = scriptedArm({
      [`GET ${JOB}/executions`]: [{ status: 200, body: { value: [] } }],
      [`POST ${JOB}/start`]: [{ status: 200, body: { name: "exec-1" } }],
      [`GET ${JOB}/executions/exec-1`]: [execution("Succeeded")],
    });
    await expect(
      runRelease(arm.request, fakeClock(), INPUTS, "acr.azurecr.io/riverside@sha256:old"),
    ).resolves.toEqual({
      jobId: JOB,
      image: INPUTS.image,
      stepsDigest: "sha256:steps",
      executionName: "exec-1",
      status: "Succeeded",
      previousImage: "acr.azurecr.io/riverside@sha256:old",
    });
  });
});

describe("when a new execution runs", () => {
  const released = { jobId: JOB, image: INPUTS.image, stepsDigest: "sha256:steps" };

  it("runs again when the image changes", () => {
    expect(releaseChanged(released, { ...INPUTS, image: "acr.azurecr.io/riverside@sha256:newer" })).toBe(
      true,
    );
  });

  it("runs again when the steps change", () => {
    expect(releaseChanged(released, { ...INPUTS, stepsDigest: "sha256:other" })).toBe(true);
  });

  it("does not run again when only the token changed", async () => {
    expect(releaseChanged(released, { ...INPUTS, token: "a-fresh-token" })).toBe(false);
    await expect(
      releaseExecutionProvider.diff!("id", { ...released } as never, { ...INPUTS, token: "new" }),
    ).resolves.toEqual({
      changes: false,
    });
  });
});

describe("armSession", () => {
  it("retries 429 and 5xx, waiting Retry-After or backing off, and gives up after ARM_RETRIES", async () => {
    const arm = scriptedArm({
      [`GET ${JOB}`]: [
        { status: 429, retryAfterSeconds: 7, body: {} },
        { status: 503, body: {} },
        { status: 500, body: {} },
        { status: 200, body: { ok: true } },
      ],
    });
    const clock = fakeClock();
    const session = armSession(arm.request, clock, { current: "t" });
    await expect(session.call("GET", `https://management.azure.com${JOB}`)).resolves.toMatchObject({
      status: 200,
    });
    expect(clock.slept).toEqual([7000, 4000, 8000]);
    expect(retryDelaySeconds(10)).toBe(60);

    const down = scriptedArm({ [`GET ${JOB}`]: [{ status: 502, body: {} }] });
    await expect(
      armSession(down.request, fakeClock(), { current: "t" }).call(
        "GET",
        `https://management.azure.com${JOB}`,
      ),
    ).resolves.toMatchObject({ status: 502 });
    expect(down.calls).toHaveLength(7);
  });

  it("renews the token once on a 401 and keeps the new one for later calls", async () => {
    const arm = scriptedArm({
      [`GET ${JOB}`]: [
        { status: 401, body: {} },
        { status: 200, body: {} },
      ],
    });
    const tokens = { current: "expired", refresh: async () => "renewed" };
    const session = armSession(arm.request, fakeClock(), tokens);
    await session.call("GET", `https://management.azure.com${JOB}`);
    await session.call("GET", `https://management.azure.com${JOB}`);
    expect(arm.calls.map((c) => c.token)).toEqual(["expired", "renewed", "renewed"]);
  });
});

interface Served {
  method: string;
  path: string;
  authorization?: string;
  body: string;
}

/**
 * A local HTTP server on 127.0.0.1 that answers like ARM (and like Entra ID's token endpoint):
 * `routes` maps "METHOD /path" to the responses in order (the last one repeats); a request whose
 * bearer token the server considers expired gets 401, as ARM answers an expired token.
 */
async function localArm(
  routes: Record<string, { status: number; headers?: Record<string, string>; body?: unknown }[]>,
  expired: (token: string, served: number) => boolean,
) {
  const served: Served[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const path = (req.url ?? "").split("?")[0];
      const authorization = req.headers.authorization;
      served.push({ method: req.method ?? "", path, authorization, body });
      const token = authorization?.replace(/^Bearer /, "") ?? "";
      if (authorization !== undefined && expired(token, served.length)) {
        res.writeHead(401, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "ExpiredAuthenticationToken" } }));
        return;
      }
      const queue = routes[`${req.method} ${path}`];
      const answer =
        queue === undefined
          ? { status: 404, body: { error: "no route" } }
          : queue.length > 1
            ? queue.shift()!
            : queue[0];
      res.writeHead(answer.status, { "content-type": "application/json", ...(answer.headers ?? {}) });
      res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, served, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("runRelease against a local server that answers like ARM", () => {
  const exec = (name: string, status: string, image: string) => ({
    name,
    properties: { status, template: { containers: [{ name: "release", image }] } },
  });

  it("waits for an older running execution, then starts through 429, 5xx and an expired token", async () => {
    const routes: Parameters<typeof localArm>[0] = {
      [`GET ${JOB}/executions`]: [
        {
          status: 200,
          body: { value: [exec("exec-old", "Running", "acr.azurecr.io/riverside@sha256:old")] },
        },
      ],
      [`GET ${JOB}/executions/exec-old`]: [
        { status: 200, body: exec("exec-old", "Running", "old") },
        { status: 200, body: exec("exec-old", "Failed", "old") },
      ],
      [`POST ${JOB}/start`]: [
        { status: 429, headers: { "retry-after": "7" }, body: { error: { code: "TooManyRequests" } } },
        { status: 202, headers: { location: "LOCATION" }, body: {} },
      ],
      "GET /operations/op-1": [
        { status: 500, body: {} },
        { status: 200, body: { name: "exec-new" } },
      ],
      [`GET ${JOB}/executions/exec-new`]: [
        { status: 200, body: exec("exec-new", "Running", INPUTS.image) },
        { status: 503, headers: { "retry-after": "5" }, body: {} },
        { status: 200, body: exec("exec-new", "Succeeded", INPUTS.image) },
      ],
      "POST /tenant-1/oauth2/v2.0/token": [
        { status: 200, body: { access_token: "renewed-token", expires_in: 3599 } },
      ],
    };
    // The program's token expires after the sixth request: ARM answers 401 from then on.
    const arm = await localArm(routes, (token, n) => token === "program-token" && n > 6);
    routes[`POST ${JOB}/start`][1].headers = { location: `${arm.base}/operations/op-1` };
    try {
      const clock = fakeClock();
      const inputs = { ...INPUTS, managementEndpoint: arm.base, token: "program-token" };
      const refresh = azureTokenSource(
        arm.base,
        {
          ARM_CLIENT_ID: "app-1",
          ARM_CLIENT_SECRET: "s3cret",
          ARM_TENANT_ID: "tenant-1",
          AZURE_AUTHORITY_HOST: arm.base,
        },
        nodeTokenTransport,
      );
      const outs = await runRelease(fetchArm, clock, inputs, "", refresh);
      expect(outs).toMatchObject({ executionName: "exec-new", status: "Succeeded", image: INPUTS.image });
      const calls = arm.served.map((s) => `${s.method} ${s.path}`);
      // One start that ARM took (the 429 was not), after the older execution ended.
      expect(calls.filter((c) => c === `POST ${JOB}/start`)).toHaveLength(2);
      expect(calls.indexOf(`POST ${JOB}/start`)).toBeGreaterThan(
        calls.lastIndexOf(`GET ${JOB}/executions/exec-old`),
      );
      // The expired token was renewed with the service principal, and used from then on.
      const renewal = arm.served.find((s) => s.path === "/tenant-1/oauth2/v2.0/token")!;
      expect(new URLSearchParams(renewal.body).get("scope")).toBe(`${arm.base}/.default`);
      expect(arm.served.at(-1)?.authorization).toBe("Bearer renewed-token");
      // Retry-After honoured (7 s, 5 s); the 500 backed off 2 s; polls every 10 s.
      expect(clock.slept).toEqual(expect.arrayContaining([7000, 5000, 2000]));
    } finally {
      await arm.close();
    }
  });

  it("takes an execution of the same image that is still running as this release, starting nothing", async () => {
    const arm = await localArm(
      {
        [`GET ${JOB}/executions`]: [
          { status: 200, body: { value: [exec("exec-7", "Running", INPUTS.image)] } },
        ],
        [`GET ${JOB}/executions/exec-7`]: [
          { status: 200, body: exec("exec-7", "Running", INPUTS.image) },
          { status: 200, body: exec("exec-7", "Succeeded", INPUTS.image) },
        ],
      },
      () => false,
    );
    try {
      const outs = await runRelease(fetchArm, fakeClock(), { ...INPUTS, managementEndpoint: arm.base }, "");
      expect(outs.executionName).toBe("exec-7");
      expect(arm.served.some((s) => s.method === "POST")).toBe(false);
    } finally {
      await arm.close();
    }
  });

  it("fails clearly when the token expired and cannot be renewed", async () => {
    const arm = await localArm(
      { [`GET ${JOB}/executions`]: [{ status: 200, body: { value: [] } }] },
      () => true,
    );
    try {
      const refresh = azureTokenSource(
        arm.base,
        {
          ARM_CLIENT_ID: "app-1",
          ARM_CLIENT_SECRET: "wrong",
          ARM_TENANT_ID: "tenant-1",
          AZURE_AUTHORITY_HOST: arm.base,
        },
        nodeTokenTransport,
      );
      await expect(
        runRelease(fetchArm, fakeClock(), { ...INPUTS, managementEndpoint: arm.base }, "", refresh),
      ).rejects.toThrow(/Refreshing the ARM token for app-1 failed with HTTP 404/);
    } finally {
      await arm.close();
    }
  });
});

describe("azureTokenSource", () => {
  const transport = (answers: Partial<Record<"form" | "get" | "az", unknown>>) => {
    const calls: string[] = [];
    return {
      calls,
      postForm: async (url: string) => (calls.push(`POST ${url}`), { status: 200, body: answers.form }),
      get: async (url: string) => (calls.push(`GET ${url}`), { status: 200, body: answers.get }),
      az: async (args: string[]) => (calls.push(`az ${args.join(" ")}`), JSON.stringify(answers.az ?? {})),
    };
  };

  it("uses a managed identity when ARM_USE_MSI is set", async () => {
    const msi = transport({ get: { access_token: "msi" } });
    const source = azureTokenSource("https://management.azure.com/", { ARM_USE_MSI: "true" }, msi);
    await expect(source()).resolves.toBe("msi");
    expect(msi.calls).toEqual([
      "GET http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com",
    ]);
  });

  it("falls back to the az CLI's login", async () => {
    const cli = transport({ az: { accessToken: "cli" } });
    await expect(azureTokenSource("https://management.azure.com", {}, cli)()).resolves.toBe("cli");
    expect(cli.calls).toEqual([
      "az account get-access-token --resource https://management.azure.com --output json",
    ]);
  });
});

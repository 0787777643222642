import {
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

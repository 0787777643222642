import { healthChecks as rule } from "../../../../../policies/pack/rules/hosting-compatibility/health-checks";
import { AZURE } from "../../../../../policies/pack/rules/types";
import { BAD_APP, SAMPLE_APP, violationsAt } from "../../../../support/app-images";
import { appStack, postgres } from "../../../../support/app-stack";
import { djangoProject, INLINE_APP, judgeInline } from "../../../../support/inline-app";
import { context, resource, judge } from "../../../../support/resources";

describe("health-checks", () => {
  it("passes an HTTP-checked, waited-for web container and pg_isready databases with a start period", async () => {
    expect(
      await judge(rule, [...appStack(SAMPLE_APP), postgres("app-db"), postgres("audit-db")], context()),
    ).toEqual([]);
  });
  it("uses the image's HEALTHCHECK when the container sets none", async () => {
    expect(await judge(rule, appStack(SAMPLE_APP, { healthcheck: undefined }), context())).toEqual([]);
  });
  it("faults bad-app's web container: no healthcheck anywhere (Dockerfile:1)", async () => {
    const result = await judge(rule, appStack(BAD_APP, { healthcheck: undefined }), context());
    expect(violationsAt(result, BAD_APP)).toEqual(["Dockerfile:1"]);
  });
  it("faults a web container that is not waited for (no readiness gate)", async () => {
    const result = await judge(rule, appStack(SAMPLE_APP, { wait: false }), context());
    expect(result).toEqual([
      expect.objectContaining({ kind: "violation", location: expect.objectContaining({ property: "wait" }) }),
    ]);
  });
  it("faults a database without a start period or without pg_isready", async () => {
    const noStart = postgres("app-db", { healthcheck: { tests: ["CMD-SHELL", "pg_isready"] } });
    const noCheck = postgres("audit-db", { healthcheck: undefined });
    const result = await judge(rule, [noStart, noCheck], context());
    expect(result).toEqual([
      expect.objectContaining({ location: expect.objectContaining({ property: "healthcheck.startPeriod" }) }),
      expect.objectContaining({ location: expect.objectContaining({ property: "healthcheck.tests" }) }),
    ]);
  });
  it("needs Liveness and Readiness httpGet probes on a Container App", async () => {
    const probes = [
      { type: "Liveness", httpGet: { path: "/healthz/", port: 8000 } },
      { type: "Readiness", tcpSocket: { port: 8000 } },
    ];
    const app = resource(AZURE.containerApp, "web", { template: { containers: [{ image: "x", probes }] } });
    expect(await judge(rule, [app], context())).toEqual([
      expect.objectContaining({ message: expect.stringContaining("readiness") }),
    ]);
  });
});

describe("health-checks on the image's own HEALTHCHECK", () => {
  const app = (healthcheck: string) => ({
    ...djangoProject(),
    Dockerfile: ["FROM python:3.12-slim", "COPY . /app", healthcheck, 'CMD ["gunicorn", "config.wsgi"]'].join(
      "\n",
    ),
  });
  const noOwnCheck = { web: { healthcheck: undefined } };

  it.each([
    ["curl", "HEALTHCHECK CMD curl -fsS http://127.0.0.1:8000/healthz/ || exit 1"],
    [
      "Python's urllib",
      `HEALTHCHECK CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz/')"]`,
    ],
  ])("accepts a HEALTHCHECK that requests a page with %s", async (_client, healthcheck) => {
    expect(await judgeInline(rule, app(healthcheck), noOwnCheck)).toEqual([]);
  });

  it.each([
    ["checks a file instead of a page", "HEALTHCHECK CMD test -f /tmp/alive"],
    ["is switched off", "HEALTHCHECK NONE"],
  ])("faults a HEALTHCHECK that %s, at its line", async (_what, healthcheck) => {
    expect(violationsAt(await judgeInline(rule, app(healthcheck), noOwnCheck), INLINE_APP)).toEqual([
      "Dockerfile:3",
    ]);
  });
});

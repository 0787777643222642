import { gracefulShutdown as rule } from "../../../../../policies/pack/rules/recovery/graceful-shutdown";
import { UNKNOWN } from "../../../../../policies/pack/rules/props";
import { DOCKER } from "../../../../../policies/pack/rules/types";
import { BAD_APP, SAMPLE_APP } from "../../../../support/app-images";
import { appStack, webProps } from "../../../../support/app-stack";
import { context, resource, judge } from "../../../../support/resources";

const gunicorn = ["/bin/sh", "-c", 'exec gunicorn --bind "0.0.0.0:${PORT}" --graceful-timeout 30 app.wsgi'];
const web = (props: Record<string, unknown>) =>
  resource(DOCKER.container, "web", webProps({ image: "ghcr.io/a/b:1", entrypoints: gunicorn, ...props }));

describe("graceful-shutdown", () => {
  it("passes when stop timeout and destroy grace cover gunicorn's graceful timeout", async () => {
    expect(await judge(rule, [web({ stopTimeout: 40, destroyGraceSeconds: 40 })], context())).toEqual([]);
  });
  it("faults Docker's default 10 s stop timeout and a missing destroy grace", async () => {
    const result = await judge(
      rule,
      [web({ stopTimeout: undefined, destroyGraceSeconds: undefined })],
      context(),
    );
    expect(result).toEqual([
      expect.objectContaining({
        kind: "violation",
        location: expect.objectContaining({ property: "stopTimeout" }),
      }),
      expect.objectContaining({
        kind: "violation",
        location: expect.objectContaining({ property: "destroyGraceSeconds" }),
      }),
    ]);
  });
  it("cannot verify a stop timeout unknown during preview", async () => {
    const result = await judge(rule, [web({ stopTimeout: UNKNOWN })], context());
    expect(result).toEqual([expect.objectContaining({ kind: "unverifiable" })]);
  });
  it("does not apply without a web service", async () => {
    expect(await judge(rule, [], context())).toBe("not-applicable");
  });
});

describe("RC-7: SIGTERM reaches the server (hadolint DL3025, BuildKit JSONArgsRecommended)", () => {
  it("fails a start script that runs gunicorn without exec, and passes the sample app's exec", async () => {
    const bad = await judge(rule, appStack(BAD_APP, { stopTimeout: 60, destroyGraceSeconds: 60 }), context());
    expect(bad === "not-applicable" ? [] : bad.map((f) => f.message).join("\n")).toContain("without `exec`");
    const good = await judge(rule, appStack(SAMPLE_APP), context());
    expect(good === "not-applicable" ? [] : good.map((f) => f.message).join("\n")).not.toContain(
      "without `exec`",
    );
  });
});

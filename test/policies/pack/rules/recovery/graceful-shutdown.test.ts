import { gracefulShutdown as rule } from "../../../../../policies/pack/rules/recovery/graceful-shutdown";
import { UNKNOWN } from "../../../../../policies/pack/rules/props";
import { DOCKER } from "../../../../../policies/pack/rules/types";
import { webProps } from "../../../../support/app-stack";
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

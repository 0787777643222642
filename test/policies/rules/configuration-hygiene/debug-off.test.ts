import { debugOff as rule } from "../../../../policies/rules/configuration-hygiene/debug-off";
import { BAD_APP, SAMPLE_APP, violationsAt } from "../../../support/app-images";
import { appStack } from "../../../support/app-stack";
import { DOCKER } from "../../../../policies/rules/types";
import { context, resource } from "../../../support/resources";

describe("debug-off", () => {
  it("passes the sample app", async () => {
    const result = await rule.check(appStack(SAMPLE_APP), context());
    expect(violationsAt(result, SAMPLE_APP)).toEqual([]);
  });

  it("finds the defects planted in bad-app (konote/settings.py:10)", async () => {
    const result = await rule.check(appStack(BAD_APP, { envs: [] }), context());
    expect(violationsAt(result, BAD_APP)).toEqual(expect.arrayContaining(["konote/settings.py:10"]));
  });

  it("cannot verify an app that runs a pushed image", async () => {
    const web = resource(DOCKER.container, "web", {
      image: "ghcr.io/org/app:1.0",
      envs: ["DJANGO_SETTINGS_MODULE=x"],
    });
    const result = await rule.check([web], context());
    expect(result).not.toBe("not-applicable");
    expect(result === "not-applicable" ? [] : result.map((f) => f.kind)).toContain("unverifiable");
  });

  it("does not apply to a stack without an application", async () => {
    expect(await rule.check([], context())).toBe("not-applicable");
  });
});

describe("debug-off on deployed values", () => {
  const web = (debug: string) =>
    resource(DOCKER.container, "web", {
      image: "ghcr.io/a/b:1",
      command: ["gunicorn", "x.wsgi"],
      envs: [`DEBUG=${debug}`],
    });
  it("faults DEBUG=True on a web container in production, not in demo", async () => {
    const prod = await rule.check([web("True")], context("production"));
    const demo = await rule.check([web("True")], context("demo"));
    const violations = (r: typeof prod) =>
      r === "not-applicable" ? [] : r.filter((f) => f.kind === "violation");
    expect(violations(prod)).toHaveLength(1);
    expect(violations(prod)[0].message).not.toContain('True"');
    expect(violations(demo)).toHaveLength(0);
  });
});

import { debugOff as rule } from "../../../../../policies/pack/rules/configuration-hygiene/debug-off";
import { DOCKER } from "../../../../../policies/pack/rules/types";
import { violationsAt } from "../../../../support/app-images";
import { djangoProject, INLINE_APP, judgeInline } from "../../../../support/inline-app";
import { context, resource, judge } from "../../../../support/resources";
import { itJudgesTheAppBuild } from "../../../../support/rule-harness";

describe("debug-off", () => {
  itJudgesTheAppBuild(rule, ["konote/settings.py:10"]);
});

describe("debug-off on deployed values", () => {
  const web = (debug: string) =>
    resource(DOCKER.container, "web", {
      image: "ghcr.io/a/b:1",
      command: ["gunicorn", "x.wsgi"],
      envs: [`DEBUG=${debug}`],
    });
  it("faults DEBUG=True on a web container in production, not in demo", async () => {
    const prod = await judge(rule, [web("True")], context("production"));
    const demo = await judge(rule, [web("True")], context("demo"));
    const violations = (r: typeof prod) =>
      r === "not-applicable" ? [] : r.filter((f) => f.kind === "violation");
    expect(violations(prod)).toHaveLength(1);
    expect(violations(prod)[0].message).not.toContain('True"');
    expect(violations(demo)).toHaveLength(0);
  });
});

describe("debug-off on the settings as written", () => {
  it.each([
    ["a literal False", "DEBUG = False\n", []],
    ["an env default of False", 'import os\nDEBUG = os.environ.get("DEBUG", "False") == "True"\n', []],
    ["a literal True", "SECRET_KEY = 'x'\nDEBUG = True\n", ["config/settings/production.py:2"]],
    [
      "an env default of True",
      'import os\nDEBUG = os.environ.get("DEBUG", "1") == "1"\n',
      ["config/settings/production.py:2"],
    ],
  ])("judges %s where it is set", async (_what, settings, faulted) => {
    const result = await judgeInline(rule, djangoProject(settings), { web: { envs: [] } });
    expect(violationsAt(result, INLINE_APP)).toEqual(faulted);
  });
});

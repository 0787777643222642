import { violationsAt } from "../../../../support/app-images";
import { appStack } from "../../../../support/app-stack";
import { context, judge } from "../../../../support/resources";
import { idempotentSeeds as rule } from "../../../../../policies/pack/rules/recovery/idempotent-seeds";
import { itJudgesTheAppBuild } from "../../../../support/rule-harness";
import { konoteApp } from "../../../../support/konote-app";

describe("idempotent-seeds", () => {
  itJudgesTheAppBuild(rule, ["apps/programs/management/commands/seed_data.py:8"]);
});

describe("RC-3 judges the seeds the deployment runs, by their control flow (issue 14)", () => {
  const KONOTE = konoteApp();
  const running = (script: string) =>
    appStack(KONOTE, {
      command: ["sh", "-c", `${script} && exec gunicorn config.wsgi:application --bind 0.0.0.0:8000`],
    });

  it("passes creates behind existence checks, if created, DoesNotExist and ignore_conflicts", async () => {
    const result = await judge(rule, running("python manage.py seed_features"), context());
    expect(violationsAt(result, KONOTE)).toEqual([]);
  });

  it("does not judge a seed command the deployment never runs", async () => {
    expect(await judge(rule, running("python manage.py check"), context())).toBe("not-applicable");
  });

  it("fails the plain creates of a seed the deployment runs, at each line", async () => {
    const result = await judge(rule, running("python manage.py seed_demo"), context());
    expect(violationsAt(result, KONOTE)).toEqual([
      "apps/core/management/commands/seed_demo.py:9",
      "apps/core/management/commands/seed_demo.py:10",
    ]);
  });
});

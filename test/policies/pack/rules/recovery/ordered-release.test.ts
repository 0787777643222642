import { orderedRelease as rule } from "../../../../../policies/pack/rules/recovery/ordered-release";
import { DOCKER } from "../../../../../policies/pack/rules/types";
import { BAD_APP, SAMPLE_APP, violationsAt } from "../../../../support/app-images";
import { appStack } from "../../../../support/app-stack";
import { djangoProject, INLINE_APP, judgeInline } from "../../../../support/inline-app";
import { context, resource, urnOf, judge } from "../../../../support/resources";

const release = (script: string) =>
  resource(DOCKER.container, "release", {
    image: "ghcr.io/a/b:1",
    command: ["sh", "-c", script],
    attach: true,
  });

describe("ordered-release", () => {
  it("passes a release that migrates both databases, then seeds", async () => {
    const ok = release(
      "python manage.py migrate && python manage.py migrate --database=audit && python manage.py seed",
    );
    expect(await judge(rule, [ok], context())).toEqual([]);
  });
  it("faults a release that seeds before migrating", async () => {
    const bad = release("python manage.py seed; python manage.py migrate");
    expect(await judge(rule, [bad], context())).toEqual([expect.objectContaining({ kind: "violation" })]);
  });
  it("accepts seeds in a container that depends on the migrating release", async () => {
    const migrate = release("python manage.py migrate");
    const seed = resource(
      DOCKER.container,
      "seed",
      { image: "ghcr.io/a/b:1", command: ["python", "manage.py", "seed"], attach: true },
      {
        dependencies: [urnOf(DOCKER.container, "release")],
      },
    );
    expect(await judge(rule, [migrate, seed], context())).toEqual([]);
  });
  it("passes bad-app's entrypoint (it migrates before seeding) and the sample app (no seeds at start)", async () => {
    expect(violationsAt(await judge(rule, appStack(BAD_APP, { envs: [] }), context()), BAD_APP)).toEqual([]);
    expect(violationsAt(await judge(rule, appStack(SAMPLE_APP), context()), SAMPLE_APP)).toEqual([]);
  });
});

describe("ordered-release with the app's own seed commands", () => {
  // `demo_data` is no name the shell reader knows for a seed: the app's seeds/ folder says it is one.
  const files = {
    ...djangoProject(),
    Dockerfile: 'FROM python:3.12-slim\nCOPY . /app\nCMD ["gunicorn", "config.wsgi"]\n',
    "apps/seeds/management/commands/demo_data.py": "from django.core.management.base import BaseCommand\n",
  };
  it.each([
    [
      "faults",
      "python manage.py demo_data; python manage.py migrate",
      [expect.objectContaining({ kind: "violation" })],
    ],
    ["passes", "python manage.py migrate && python manage.py demo_data", []],
  ])("%s a release that runs %s", async (_verdict, script, expected) => {
    const resources = [...appStack(INLINE_APP), release(script)];
    expect(await judgeInline(rule, files, { resources })).toEqual(expected);
  });
});

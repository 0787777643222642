import { collectstaticAtBuild as rule } from "../../../../../policies/pack/rules/static-files/collectstatic-at-build";
import { violationsAt } from "../../../../support/app-images";
import { djangoProject, INLINE_APP, judgeInline } from "../../../../support/inline-app";
import { violationOn } from "../../../../support/resources";
import { itJudgesTheAppBuild } from "../../../../support/rule-harness";

const dockerfile = (...build: string[]) =>
  [
    "FROM python:3.12-slim",
    "WORKDIR /app",
    "COPY . .",
    ...build,
    'ENTRYPOINT ["/app/entrypoint.sh"]',
    'CMD ["gunicorn", "config.wsgi"]',
  ].join("\n");
const entrypoint = (...steps: string[]) => ["#!/bin/sh", "set -e", ...steps, 'exec "$@"'].join("\n");
const COLLECT_AT_BUILD = "RUN python manage.py collectstatic --noinput --settings=config.settings.build";

describe("collectstatic-at-build", () => {
  itJudgesTheAppBuild(rule, ["entrypoint.sh:10"]);

  it("passes an image that collects static files at build and only migrates at start", async () => {
    const files = {
      ...djangoProject(),
      Dockerfile: dockerfile(COLLECT_AT_BUILD),
      "entrypoint.sh": entrypoint("python manage.py migrate --noinput"),
    };
    expect(await judgeInline(rule, files)).toEqual([]);
  });

  it("faults an entrypoint that collects static files at every start, at its line", async () => {
    const files = {
      ...djangoProject(),
      Dockerfile: dockerfile(COLLECT_AT_BUILD),
      "entrypoint.sh": entrypoint(
        "python manage.py migrate --noinput",
        "python manage.py collectstatic --noinput",
      ),
    };
    expect(violationsAt(await judgeInline(rule, files), INLINE_APP)).toEqual(["entrypoint.sh:4"]);
  });

  it("faults a Dockerfile that never collects static files, at its first line", async () => {
    const files = { ...djangoProject(), Dockerfile: dockerfile(), "entrypoint.sh": entrypoint() };
    expect(violationsAt(await judgeInline(rule, files), INLINE_APP)).toEqual(["Dockerfile:1"]);
  });

  it("faults a web container whose own command collects static files, on its command", async () => {
    const files = {
      ...djangoProject(),
      Dockerfile: dockerfile(COLLECT_AT_BUILD),
      "entrypoint.sh": entrypoint(),
    };
    const command = ["sh", "-c", "python manage.py collectstatic --noinput && exec gunicorn config.wsgi"];
    expect(await judgeInline(rule, files, { web: { command } })).toEqual([violationOn("command")]);
  });
});

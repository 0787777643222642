import { migrationsBeforeServing } from "../../../../../policies/pack/rules/startup-reliability/migrations-before-serving";
import { kinds } from "../../../../support/app-images";
import { dockerStack } from "../../../../support/app-stacks";
import { djangoProject, judgeInline } from "../../../../support/inline-app";
import { context, judge } from "../../../../support/resources";

const ctx = context();

describe("SR-1 migrations-before-serving", () => {
  it("passes a web service that depends on the release that migrates", async () => {
    expect(await judge(migrationsBeforeServing, dockerStack(), ctx)).toEqual([]);
  });

  it("fails a web service that does not wait for the release", async () => {
    expect(
      kinds(await judge(migrationsBeforeServing, dockerStack({ webDependsOnRelease: false }), ctx)),
    ).toEqual(["violation"]);
  });

  it("passes an image-only setup whose start command migrates before the server", async () => {
    const stack = dockerStack({
      release: false,
      webCommand: ["sh", "-ec", "python manage.py migrate --noinput\nexec gunicorn config.wsgi"],
    });
    expect(await judge(migrationsBeforeServing, stack, ctx)).toEqual([]);
  });

  it("fails when nothing migrates", async () => {
    expect(kinds(await judge(migrationsBeforeServing, dockerStack({ release: false }), ctx))).toEqual([
      "violation",
    ]);
  });
});

describe("SR-1 on an image whose entrypoint starts the server", () => {
  const app = (...steps: string[]) => ({
    ...djangoProject(),
    Dockerfile: 'FROM python:3.12-slim\nCOPY . /app\nENTRYPOINT ["/app/entrypoint.sh"]\n',
    "entrypoint.sh": ["#!/bin/sh", "set -e", ...steps].join("\n"),
  });
  it("passes an entrypoint that migrates before it starts gunicorn", async () => {
    const files = app("python manage.py migrate --noinput", "exec gunicorn config.wsgi");
    expect(await judgeInline(migrationsBeforeServing, files)).toEqual([]);
  });
  it("fails an entrypoint that starts gunicorn without migrating", async () => {
    const files = app("exec gunicorn config.wsgi");
    expect(kinds(await judgeInline(migrationsBeforeServing, files))).toEqual(["violation"]);
  });
});

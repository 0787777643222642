import { migrationsBeforeServing } from "../../../../../policies/pack/rules/startup-reliability/migrations-before-serving";
import { kinds } from "../../../../support/app-images";
import { dockerStack } from "../../../../support/app-stacks";
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

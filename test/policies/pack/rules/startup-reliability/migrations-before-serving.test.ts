import { migrationsBeforeServing } from "../../../../../policies/pack/rules/startup-reliability/migrations-before-serving";
import { kinds } from "../../../../support/app-images";
import { UNKNOWN } from "../../../../../policies/protocol";
import { webProps } from "../../../../support/app-stack";
import { dockerStack, URLS } from "../../../../support/app-stacks";
import { djangoProject, INLINE_APP, judgeInline } from "../../../../support/inline-app";
import { context, judge, resource } from "../../../../support/resources";
import { builtImage } from "../../../../support/app-images";
import { DOCKER } from "../../../../../policies/pack/rules/types";

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

describe("SR-1 on a migrate that runs only under a condition", () => {
  const app = (...steps: string[]) => ({
    ...djangoProject(),
    Dockerfile: 'FROM python:3.12-slim\nCOPY . /app\nENTRYPOINT ["/app/entrypoint.sh"]\n',
    "entrypoint.sh": ["#!/bin/sh", "set -e", ...steps, "exec gunicorn config.wsgi"].join("\n"),
  });
  const andChain = app('[ "$RUN_MIGRATIONS" = 1 ] && python manage.py migrate --noinput');
  const ifBlock = app('if [ -n "$MIGRATE" ]; then', "  python manage.py migrate --noinput", "fi");
  const withEnv = (...entries: string[]) => ({
    web: { envs: [...(webProps().envs as string[]), ...entries] },
  });

  it("passes when the deployment sets the variable to a value that runs it", async () => {
    expect(await judgeInline(migrationsBeforeServing, andChain, withEnv("RUN_MIGRATIONS=1"))).toEqual([]);
    expect(await judgeInline(migrationsBeforeServing, ifBlock, withEnv("MIGRATE=yes"))).toEqual([]);
  });

  it("fails when the deployment leaves the variable unset, naming the file:line and the variable", async () => {
    expect(await judgeInline(migrationsBeforeServing, andChain)).toEqual([
      {
        kind: "violation",
        message: expect.stringContaining(
          'runs migrate (entrypoint.sh:3) only when [ "$RUN_MIGRATIONS" = 1 ], and the deployment does not set RUN_MIGRATIONS',
        ),
        location: { file: `${INLINE_APP}/entrypoint.sh`, line: 3 },
      },
    ]);
    expect(await judgeInline(migrationsBeforeServing, ifBlock)).toEqual([
      expect.objectContaining({
        kind: "violation",
        message: expect.stringContaining("does not set MIGRATE"),
      }),
    ]);
  });

  it("fails when the deployment sets it to a value that skips it", async () => {
    expect(await judgeInline(migrationsBeforeServing, andChain, withEnv("RUN_MIGRATIONS=0"))).toEqual([
      expect.objectContaining({
        kind: "violation",
        message: expect.stringContaining("sets RUN_MIGRATIONS to a value that does not pass it"),
      }),
    ]);
  });

  it("could not verify a variable known only when the deployment runs, naming it", async () => {
    expect(
      await judgeInline(migrationsBeforeServing, andChain, withEnv(`RUN_MIGRATIONS=${UNKNOWN}`)),
    ).toEqual([
      {
        kind: "unverifiable",
        message: expect.stringContaining('RUN_MIGRATIONS of "web" is not known until the deployment runs'),
        location: { file: `${INLINE_APP}/entrypoint.sh`, line: 3 },
      },
    ]);
  });

  it("judges a release job's guarded migrate by the same test", async () => {
    const script = '[ "$RUN_MIGRATIONS" = 1 ] && python manage.py migrate --noinput';
    const release = (envs: string[]) => dockerStack({ releaseScriptText: script, envs: [...URLS, ...envs] });
    expect(await judge(migrationsBeforeServing, release(["RUN_MIGRATIONS=1"]), ctx)).toEqual([]);
    expect(await judge(migrationsBeforeServing, release([]), ctx)).toEqual([
      {
        kind: "violation",
        message: expect.stringContaining(
          'x-release runs migrate (command) only when [ "$RUN_MIGRATIONS" = 1 ], and the deployment does not set RUN_MIGRATIONS, so migrations never run before x-web serves.',
        ),
        location: expect.objectContaining({ property: "command" }),
      },
    ]);
  });

  describe("in a release job's own script", () => {
    // The image's own command is the release script; web runs gunicorn instead (its own command).
    const files = {
      ...djangoProject(),
      Dockerfile: 'FROM python:3.12-slim\nCOPY . /app\nCMD ["/app/release.sh"]\n',
      "release.sh": [
        "#!/bin/sh",
        "set -e",
        '[ "$RUN_MIGRATIONS" = 1 ] && python manage.py migrate --noinput',
      ].join("\n"),
    };
    const stack = (...entries: string[]) => {
      const image = builtImage(INLINE_APP);
      const release = resource(
        DOCKER.container,
        "release",
        { image: "app-image:1", attach: true, envs: [...(webProps().envs as string[]), ...entries] },
        { propertyDependencies: { image: [image.urn] } },
      );
      const web = resource(DOCKER.container, "web", webProps({ command: ["gunicorn", "config.wsgi"] }), {
        propertyDependencies: { image: [image.urn] },
        dependencies: [release.urn],
      });
      return [image, release, web];
    };

    it("passes when the deployment sets the variable to a value that runs it", async () => {
      expect(
        await judgeInline(migrationsBeforeServing, files, { resources: stack("RUN_MIGRATIONS=1") }),
      ).toEqual([]);
    });

    it("fails naming the variable and the file:line, not with the generic 'Nothing runs migrations'", async () => {
      expect(await judgeInline(migrationsBeforeServing, files, { resources: stack() })).toEqual([
        {
          kind: "violation",
          message:
            'release runs migrate (release.sh:3) only when [ "$RUN_MIGRATIONS" = 1 ], and the deployment does not set RUN_MIGRATIONS, so migrations never run before web serves. Set RUN_MIGRATIONS on release so the test passes, or run migrate in release unconditionally.',
          location: { file: `${INLINE_APP}/release.sh`, line: 3 },
        },
      ]);
    });

    it("could not verify a variable known only when the deployment runs, naming it", async () => {
      expect(
        await judgeInline(migrationsBeforeServing, files, { resources: stack(`RUN_MIGRATIONS=${UNKNOWN}`) }),
      ).toEqual([
        {
          kind: "unverifiable",
          message: expect.stringContaining(
            'RUN_MIGRATIONS of "release" is not known until the deployment runs',
          ),
          location: { file: `${INLINE_APP}/release.sh`, line: 3 },
        },
      ]);
    });
  });
});

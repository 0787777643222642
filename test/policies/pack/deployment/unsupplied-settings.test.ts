import { requiredSettingsFailLoudly as ch1 } from "../../../../policies/pack/rules/configuration-hygiene/required-settings-fail-loudly";
import { noDefaultSecretKeys as ch3 } from "../../../../policies/pack/rules/configuration-hygiene/no-default-secret-keys";
import type { Finding, RuleResult } from "../../../../policies/pack/rules/rule";
import { UNSEEN_ENV_LABEL, UNKNOWN } from "../../../../policies/protocol";
import { djangoProject, INLINE_APP, judgeInline } from "../../../support/inline-app";
import { webProps } from "../../../support/app-stack";

const SETTINGS = "config/settings/production.py";
const KEY = `SECRET_KEY=${"k9".repeat(25)}`;

/** The usual web container's env without the keys, plus `extra` (app-stack.ts). */
const webWith = (...extra: string[]) => ({
  envs: [
    ...(webProps().envs as string[]).filter((e) => !/^(SECRET_KEY|FIELD_ENCRYPTION_KEY)=/.test(e)),
    ...extra,
  ],
});
const WITHOUT_KEYS = webWith();

const unsupplied = (result: RuleResult): Finding[] =>
  result === "not-applicable" ? [] : result.filter((f) => /never gets it/.test(f.message));

/** An image that starts with `entrypoint.sh` (copied from the context) before gunicorn. */
function withEntrypoint(script: string, settings: string): Record<string, string> {
  return {
    ...djangoProject(settings),
    Dockerfile: [
      "FROM python:3.12-slim",
      "WORKDIR /app",
      "COPY . .",
      "USER 1000",
      'ENTRYPOINT ["/app/entrypoint.sh"]',
      'CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000"]',
    ].join("\n"),
    "entrypoint.sh": `#!/bin/sh\nset -e\n${script}\nexec "$@"\n`,
  };
}

describe("required settings no workload supplies", () => {
  it("fails CH-3 at the settings line when the web container never gets SECRET_KEY: Django stops at start", async () => {
    const files = djangoProject('import os\nSECRET_KEY = os.environ["SECRET_KEY"]\n');
    const [finding, ...rest] = unsupplied(await judgeInline(ch3, files, { web: WITHOUT_KEYS }));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      kind: "violation",
      location: { file: `${INLINE_APP}/${SETTINGS}`, line: 2 },
    });
    expect(finding.message).toContain('The settings require SECRET_KEY, but "web" never gets it');
    expect(unsupplied(await judgeInline(ch3, files, { web: webWith(KEY) }))).toEqual([]);
  });

  it("fails CH-1 for any other variable read with os.environ[...] or a require helper, once per variable", async () => {
    const files = djangoProject(
      [
        "import os",
        "from django.core.exceptions import ImproperlyConfigured",
        "def require_env(name):",
        "    value = os.environ.get(name)",
        "    if not value:",
        "        raise ImproperlyConfigured(name)",
        "    return value",
        'REDIS_URL = os.environ["REDIS_URL"]',
        'CACHES = {"default": {"LOCATION": os.environ["REDIS_URL"]}}',
        'EMAIL_HOST = require_env("EMAIL_HOST")',
        'SERVER_EMAIL = os.environ.get("SERVER_EMAIL", "root@localhost")',
      ].join("\n"),
    );
    const findings = unsupplied(await judgeInline(ch1, files));
    expect(findings.map((f) => f.message.split(",")[0])).toEqual([
      "The settings require REDIS_URL",
      "The settings require EMAIL_HOST",
    ]);
    expect(findings.map((f) => f.location)).toEqual([
      { file: `${INLINE_APP}/${SETTINGS}`, line: 8 },
      { file: `${INLINE_APP}/${SETTINGS}`, line: 10 },
    ]);
    expect(
      unsupplied(
        await judgeInline(ch1, files, { web: webWith("REDIS_URL=redis://r:6379/0", "EMAIL_HOST=mail") }),
      ),
    ).toEqual([]);
  });

  it("leaves DATABASE_URL to DB-1, which already faults a workload that does not set it", async () => {
    const files = djangoProject('import os\nDATABASE_URL = os.environ["DATABASE_URL"]\n');
    const web = { envs: ["DJANGO_SETTINGS_MODULE=config.settings.production"] };
    expect(unsupplied(await judgeInline(ch1, files, { web }))).toEqual([]);
  });

  it("does not fault a read inside a branch taken only when an optional variable is set", async () => {
    const files = djangoProject(
      [
        "import os",
        'if os.environ.get("USE_S3"):',
        '    AWS_STORAGE_BUCKET_NAME = os.environ["AWS_STORAGE_BUCKET_NAME"]',
        'BUCKET = os.environ["BUCKET"] if os.environ.get("USE_GCS") else None',
      ].join("\n"),
    );
    expect(unsupplied(await judgeInline(ch1, files))).toEqual([]);
  });

  it.each([
    [
      "the image's ENV",
      { Dockerfile: "FROM python:3.12-slim\nENV REDIS_URL=redis://cache:6379/0\nUSER 1000\n" },
    ],
    [
      "settings that load a dotenv file",
      {
        [SETTINGS]:
          'import os\nfrom dotenv import load_dotenv\nload_dotenv()\nREDIS_URL = os.environ["REDIS_URL"]\n',
      },
    ],
  ])("counts a variable as supplied by %s", async (_, overlay) => {
    const files = { ...djangoProject('import os\nREDIS_URL = os.environ["REDIS_URL"]\n'), ...overlay };
    expect(unsupplied(await judgeInline(ch1, files))).toEqual([]);
  });

  it.each([
    ["exports it", 'export REDIS_URL="redis://$(cat /run/secrets/redis_host):6379/0"', []],
    ["passes it with env", "true", []],
    ["sources a file", ". /run/secrets/app.env", []],
    ["runs `set -a`", "set -a", []],
    ["exports what `cat` prints", "export $(cat /run/secrets/app.env | xargs)", []],
    ["sets something else", "export OTHER=1", ["The settings require REDIS_URL"]],
  ])("reads the start script that %s", async (_, line, expected) => {
    const script = line === "true" ? 'exec env REDIS_URL=redis://cache:6379/0 "$@"' : line;
    const files = withEntrypoint(script, 'import os\nREDIS_URL = os.environ["REDIS_URL"]\n');
    const findings = unsupplied(await judgeInline(ch1, files));
    expect(findings.map((f) => f.message.split(",")[0])).toEqual(expected);
  });

  it("cannot tell while the web container's env list is unknown (a preview before its inputs resolve), and says so", async () => {
    const files = djangoProject('import os\nSECRET_KEY = os.environ["SECRET_KEY"]\n');
    const result = await judgeInline(ch3, files, { web: { envs: UNKNOWN } });
    expect(unsupplied(result)).toEqual([]);
    expect(result).toContainEqual(
      expect.objectContaining({
        kind: "unverifiable",
        message: '"web" may set SECRET_KEY in envs, which is not known until the deployment runs.',
      }),
    );
  });

  it("cannot tell for a compose service whose env_file is not in the repository, and says so", async () => {
    const files = djangoProject('import os\nREDIS_URL = os.environ["REDIS_URL"]\n');
    const labels = [{ label: UNSEEN_ENV_LABEL, value: "an env_file that is not in the repository" }];
    const result = await judgeInline(ch1, files, { web: { labels } });
    expect(unsupplied(result)).toEqual([]);
    expect(result).toContainEqual(
      expect.objectContaining({
        kind: "unverifiable",
        message: '"web" may get REDIS_URL from an env_file that is not in the repository.',
      }),
    );
  });
});

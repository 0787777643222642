import * as path from "path";
import { defaultReleaseSteps } from "../../../../../components/config";
import { auditDatabaseRouter } from "../../../../../policies/pack/rules/database-safety/audit-database-router";
import { auditDatabaseUrlRequiredSecret } from "../../../../../policies/pack/rules/database-safety/audit-database-url-required-secret";
import { backupBeforeMigrate } from "../../../../../policies/pack/rules/database-safety/backup-before-migrate";
import { databaseConnectionTimeouts } from "../../../../../policies/pack/rules/database-safety/database-connection-timeouts";
import { databaseUrlRequiredSecret } from "../../../../../policies/pack/rules/database-safety/database-url-required-secret";
import { separateAuditCredentials } from "../../../../../policies/pack/rules/database-safety/separate-audit-credentials";
import { AZURE } from "../../../../../policies/pack/rules/types";
import { BAD_APP, builtImage, kinds, SAMPLE_APP, violationsAt } from "../../../../support/app-images";
import { dockerStack, URLS } from "../../../../support/app-stacks";
import { FIXTURES_DIR } from "../../../../support/paths";
import { djangoProject, INLINE_APP, judgeInline } from "../../../../support/inline-app";
import { context, resource, judge } from "../../../../support/resources";

const ctx = context();

function badAppStack() {
  const image = builtImage(BAD_APP);
  const web = resource(
    "docker:index/container:Container",
    "web",
    {
      image: "app-image:1",
      envs: ["DATABASE_URL=postgres://a:b@db/app", "AUDIT_DATABASE_URL=postgres://c:d@audit/audit"],
    },
    { propertyDependencies: { image: [image.urn] } },
  );
  return [image, web];
}

describe("DB-1 / DB-2 database URLs required and secret", () => {
  it("pass the sample app deployed by the components' shape", async () => {
    expect(await judge(databaseUrlRequiredSecret, dockerStack(), ctx)).toEqual([]);
    expect(await judge(auditDatabaseUrlRequiredSecret, dockerStack(), ctx)).toEqual([]);
  });

  it("fail the bad app's settings fallbacks at their lines", async () => {
    expect(violationsAt(await judge(databaseUrlRequiredSecret, badAppStack(), ctx), BAD_APP)).toEqual([
      "konote/settings.py:14",
    ]);
    expect(violationsAt(await judge(auditDatabaseUrlRequiredSecret, badAppStack(), ctx), BAD_APP)).toEqual([
      "konote/settings.py:15",
    ]);
  });

  it("fail a missing variable, a start-script fallback and a plain Azure value without showing values", async () => {
    const missing = await judge(
      auditDatabaseUrlRequiredSecret,
      dockerStack({ envs: [URLS[0], URLS[2]] }),
      ctx,
    );
    expect(kinds(missing)).toContain("violation");
    const app = resource(AZURE.containerApp, "web", {
      template: {
        containers: [
          {
            image: "x",
            command: ["sh", "-c", 'exec gunicorn --env "X=${DATABASE_URL:-postgres://u:p@h/db}" app.wsgi'],
            env: [{ name: "DATABASE_URL", value: "postgres://u:secretpw@h/db" }],
          },
        ],
      },
    });
    const result = await judge(databaseUrlRequiredSecret, [app], ctx);
    expect(kinds(result)).toEqual(["violation", "violation"]);
    expect(JSON.stringify(result)).not.toContain("secretpw");
  });
});

describe("DB-3 database-connection-timeouts", () => {
  it("passes URLs with connect_timeout and fails the bad app's settings without one", async () => {
    expect(await judge(databaseConnectionTimeouts, dockerStack(), ctx)).toEqual([]);
    expect(violationsAt(await judge(databaseConnectionTimeouts, badAppStack(), ctx), BAD_APP)).toEqual([
      "konote/settings.py:14",
      "konote/settings.py:15",
    ]);
  });
});

describe("DB-3 on the settings as written", () => {
  const settings = (options: string) =>
    djangoProject(`DATABASES = {"default": dj_database_url.config(env="DATABASE_URL")}\n${options}\n`);
  const noTimeoutInUrl = { web: { envs: ["DATABASE_URL=postgres://app:pw@app-db:5432/app"] } };
  it.each([
    ["in OPTIONS", 'DATABASES["default"]["OPTIONS"] = {"connect_timeout": 10}'],
    ["through setdefault", 'DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 10'],
  ])("passes a connect timeout set %s", async (_how, options) => {
    expect(await judgeInline(databaseConnectionTimeouts, settings(options), noTimeoutInUrl)).toEqual([]);
  });
  it("fails a connection without one in the URL or the settings, where DATABASES is set", async () => {
    const result = await judgeInline(databaseConnectionTimeouts, settings(""), noTimeoutInUrl);
    expect(violationsAt(result, INLINE_APP)).toEqual(["config/settings/production.py:1"]);
  });
});

describe("DB-4 audit-database-router", () => {
  it("passes the sample app and fails the bad app's missing router", async () => {
    expect(await judge(auditDatabaseRouter, builtImage(SAMPLE_APP), ctx)).toEqual([]);
    expect(violationsAt(await judge(auditDatabaseRouter, builtImage(BAD_APP), ctx), BAD_APP)).toEqual([
      "konote/settings.py:15",
    ]);
  });

  it("judges every production module a function in manage.py can return, and names them", async () => {
    // manage.py returns production, staging or development; only staging lacks the router.
    const app = path.join(FIXTURES_DIR, "apps", "computed-settings");
    const result = await judge(auditDatabaseRouter, builtImage(app), ctx);
    expect(violationsAt(result, app)).toEqual(["ledger/settings/staging.py:5"]);
    expect(result !== "not-applicable" && result[0].message).toMatch(
      /^ledger\.settings\.staging \(manage\.py:17 computes the settings module; judged ledger\.settings\.production, ledger\.settings\.staging\): The settings define the "audit" database but no DATABASE_ROUTERS/,
    );
    expect(kinds(result)).toEqual(["violation"]);
  });
});

describe("DB-5 backup-before-migrate", () => {
  it("passes a release whose first step backs up, fails one that migrates first", async () => {
    const backup = { name: "backup", command: ["/usr/local/bin/backup.sh"], onFailure: "abort" as const };
    expect(
      await judge(
        backupBeforeMigrate,
        dockerStack({ steps: [backup, ...defaultReleaseSteps("production")] }),
        ctx,
      ),
    ).toEqual([]);
    expect(kinds(await judge(backupBeforeMigrate, dockerStack(), ctx))).toEqual(["violation"]);
  });
});

describe("DB-7 separate-audit-credentials", () => {
  it("passes separate passwords with the lockdown step", async () => {
    expect(await judge(separateAuditCredentials, dockerStack(), ctx)).toEqual([]);
  });

  it("fails a shared password and a release without lockdown, never showing the password", async () => {
    const envs = [
      "DATABASE_URL=postgres://app:samepw@app-db/app",
      "AUDIT_DATABASE_URL=postgres://audit:samepw@audit-db/audit",
    ];
    const steps = defaultReleaseSteps("production").filter((s) => s.name !== "lockdown-audit");
    const result = await judge(separateAuditCredentials, dockerStack({ envs, steps }), ctx);
    expect(kinds(result)).toEqual(["violation", "violation", "violation"]);
    expect(JSON.stringify(result)).not.toContain("samepw");
  });
});

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

describe("DB-4 audit-database-router", () => {
  it("passes the sample app and fails the bad app's missing router", async () => {
    expect(await judge(auditDatabaseRouter, builtImage(SAMPLE_APP), ctx)).toEqual([]);
    expect(violationsAt(await judge(auditDatabaseRouter, builtImage(BAD_APP), ctx), BAD_APP)).toEqual([
      "konote/settings.py:15",
    ]);
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

/**
 * DB-7: the app and audit databases are reached with different
 * credentials (not the same user and password, not the same password), and the release locks the
 * audit database down (a `lockdown_audit_db`-style step after the audit migration).
 * Credentials are compared, never shown.
 */
import { NOT_APPLICABLE, unverifiable, violation, type Finding, type StackRule } from "../rule";
import { envProperty, propertyOf, type Workload } from "../../deployment/workloads";
import { APP_BUILD_TYPES } from "../types";
import type { Deployment } from "../../deployment";

function credentials(url: string): { user: string; password: string; host: string } | undefined {
  try {
    const parsed = new URL(url);
    return {
      user: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
      host: parsed.host,
    };
  } catch {
    return undefined;
  }
}

/** The value in the stack, following an Azure secretRef to the Key Vault secret it reads. */
function envValue(w: Workload, name: string, deployment: Deployment): string | undefined {
  const value = deployment.resolvedEnv(w, name);
  return value?.kind === "value" ? value.value : undefined;
}

/** Not readable here: unknown until the deployment runs, or a secret kept outside this stack. */
function unreadable(w: Workload, name: string, deployment: Deployment): boolean {
  const kind = deployment.resolvedEnv(w, name)?.kind;
  return kind === "unknown" || kind === "secret-ref";
}

export const separateAuditCredentials: StackRule = {
  id: "DB-7",
  policy: "separate-audit-credentials",
  category: "database-safety",
  severity: "medium",
  title: "Audit database shares credentials or is not locked down",
  description: "App and audit databases use separate credentials and the audit lockdown step runs.",
  impact: "A compromised app can rewrite or erase the audit trail.",
  fix: "Give each database its own generated password and run `manage.py lockdown_audit_db` in the release.",
  verify: "psql $AUDIT_DATABASE_URL -c 'DELETE FROM audit_auditevent'   # permission denied",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check(deployment) {
    const apps = deployment.workloads.filter(
      (w) => (w.role === "web" || w.role === "release") && w.env.AUDIT_DATABASE_URL !== undefined,
    );
    const auditDatabases = deployment.withRole("database").filter((d) => /audit/i.test(d.resource.name));
    if (apps.length === 0 && auditDatabases.length === 0) return NOT_APPLICABLE;
    const findings: Finding[] = [];
    for (const app of apps) {
      const where = {
        urn: app.resource.urn,
        property: propertyOf(app, envProperty(app)),
      };
      const main = envValue(app, "DATABASE_URL", deployment);
      const audit = envValue(app, "AUDIT_DATABASE_URL", deployment);
      if (main === undefined || audit === undefined) {
        const unread = ["DATABASE_URL", "AUDIT_DATABASE_URL"].some((name) =>
          unreadable(app, name, deployment),
        );
        if (app.platform === "docker" || unread) {
          findings.push(
            unverifiable(
              `the database URLs of ${app.resource.name} are not known before the deployment runs, so their credentials cannot be compared.`,
              where,
            ),
          );
        }
        continue;
      }
      const a = credentials(main);
      const b = credentials(audit);
      if (!a || !b || a.password === "") continue;
      if (a.password === b.password) {
        findings.push(
          violation(
            `${app.resource.name} reaches the app and audit databases with the same ${a.user === b.user ? "login" : "password"}, so a compromised app can rewrite the audit trail. Give the audit database its own user and generated password.`,
            where,
          ),
        );
      }
    }
    const passwords = deployment.withRole("database").map((d) => ({
      d,
      pw: envValue(d, "POSTGRES_PASSWORD", deployment),
    }));
    const shared = passwords.filter(
      (p) => p.pw !== undefined && passwords.some((q) => q !== p && q.pw === p.pw),
    );
    if (shared.length > 1) {
      findings.push(
        violation(
          `Database containers ${shared.map((p) => p.d.resource.name).join(" and ")} use the same password. Generate one per database.`,
          { urn: shared[0].d.resource.urn, property: "envs" },
        ),
      );
    }
    const plans = deployment.plans;
    const runners = plans.filter((p) =>
      p.steps.some((s) => s.kind === "migrate" && s.database !== null && /audit/i.test(s.database)),
    );
    const locked = plans.some((p) => p.steps.some((s) => s.kind === "lockdown"));
    if (!locked) {
      const target = runners[0] ?? plans.find((p) => p.steps.some((s) => s.kind === "migrate"));
      if (target) {
        findings.push(
          violation(
            `${target.workload.resource.name} never locks the audit database down, so the app's audit role can still UPDATE and DELETE audit rows. Add a \`manage.py lockdown_audit_db\` step after the audit migration.`,
            target.steps.find((s) => s.kind === "migrate")?.location,
          ),
        );
      } else {
        const unread = plans.find((p) => p.unverifiable)?.unverifiable;
        findings.push(
          unread ?? violation("No release step locks the audit database down (manage.py lockdown_audit_db)."),
        );
      }
    }
    return findings;
  },
};

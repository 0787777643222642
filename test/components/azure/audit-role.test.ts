import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { auditRoleSecrets, auditRoleStep } from "../../../components/azure/audit-role";
import { parseInstanceSettings } from "../../../components/config";
import { FIXTURES_DIR } from "../../support/paths";

const refs = auditRoleSecrets("admin-pw", "audit-pw", "writer-pw").map((spec) => ({
  env: spec.env,
  secretName: spec.secretName,
  keyVaultUrl: pulumi.output(`https://kv.vault.azure.net/secrets/${spec.secretName}`),
}));

function step(overrides: Record<string, unknown> = {}) {
  const settings = parseInstanceSettings({
    agency: "riverside",
    target: "azure",
    domains: ["riverside.example.org"],
    image: { context: path.join(FIXTURES_DIR, "azure-app") },
    ...overrides,
  });
  return auditRoleStep(settings, "pg.example", refs, "identity-id", "acr.azurecr.io/postgres:16.10-bookworm");
}

describe("auditRoleStep", () => {
  it("runs three init containers: the owner role and the writer role as the admin, the writer's grants as the owner", () => {
    const { containers } = step();
    const env = (index: number) =>
      Object.fromEntries(
        (containers[index].env as Array<{ name: string; value?: string; secretRef?: string }>).map((e) => [
          e.name,
          e.value ?? `secret:${e.secretRef}`,
        ]),
      );
    expect(containers.map((c) => c.name)).toEqual(["audit-role", "audit-writer-role", "audit-writer-grants"]);
    expect(env(0)).toMatchObject({
      PGUSER: "agencyadmin",
      PGPASSWORD: "secret:postgres-admin-password",
      AUDIT_ROLE: "agencyaudit",
      AUDIT_ROLE_PASSWORD: "secret:audit-role-password",
    });
    expect(env(1)).toMatchObject({
      PGUSER: "agencyadmin",
      PGPASSWORD: "secret:postgres-admin-password",
      AUDIT_ROLE: "agencyauditwriter",
      AUDIT_ROLE_PASSWORD: "secret:audit-writer-password",
      AUDIT_WRITER_STEP: "role",
    });
    expect(env(2)).toMatchObject({
      PGUSER: "agencyaudit",
      PGPASSWORD: "secret:audit-role-password",
      AUDIT_ROLE: "agencyauditwriter",
      AUDIT_WRITER_STEP: "grants",
    });
    expect(env(2)).not.toHaveProperty("AUDIT_ROLE_PASSWORD");
    expect(containers[1].command).toEqual(containers[2].command);
    expect((containers[1].command as string[])[2]).toContain("audit-writer-role");
  });

  it("hands the init containers the passwords as secret references only", () => {
    const { containers, secrets } = step();
    for (const container of containers) {
      const env = container.env as Array<{ name: string; value?: string; secretRef?: string }>;
      expect(env.some((e) => ["admin-pw", "audit-pw", "writer-pw"].includes(e.value ?? ""))).toBe(false);
    }
    expect(secrets.map((s) => s.name)).toEqual([
      "postgres-admin-password",
      "audit-role-password",
      "audit-writer-password",
    ]);
  });

  it("runs the init image it is given (the instance registry's copy of postgres)", () => {
    for (const container of step().containers) {
      expect(container.image).toBe("acr.azurecr.io/postgres:16.10-bookworm");
    }
  });

  it("changes its digest with the database password generation, and only then", () => {
    expect(step().digest).toBe(step().digest);
    expect(step({ rotation: { databasePasswords: "1" } }).digest).not.toBe(step().digest);
    expect(step({ rotation: { secretKey: "1" } }).digest).toBe(step().digest);
  });
});

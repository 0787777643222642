import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { auditRoleSecrets, auditRoleStep } from "../../../components/azure/audit-role";
import { parseInstanceSettings } from "../../../components/config";
import { FIXTURES_DIR } from "../../support/paths";

const refs = auditRoleSecrets("admin-pw", "audit-pw").map((spec) => ({
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
  it("hands the init container the admin and audit role passwords as secret references only", () => {
    const { container, secrets } = step();
    const env = container.env as Array<{ name: string; value?: string; secretRef?: string }>;
    expect(env.filter((e) => e.secretRef !== undefined)).toEqual([
      { name: "PGPASSWORD", secretRef: "postgres-admin-password" },
      { name: "AUDIT_ROLE_PASSWORD", secretRef: "audit-role-password" },
    ]);
    expect(env.some((e) => e.value === "admin-pw" || e.value === "audit-pw")).toBe(false);
    expect(secrets.map((s) => s.name)).toEqual(["postgres-admin-password", "audit-role-password"]);
  });

  it("runs the init image it is given (the instance registry's copy of postgres)", () => {
    expect(step().container.image).toBe("acr.azurecr.io/postgres:16.10-bookworm");
  });

  it("changes its digest with the database password generation, and only then", () => {
    expect(step().digest).toBe(step().digest);
    expect(step({ rotation: { databasePasswords: "1" } }).digest).not.toBe(step().digest);
    expect(step({ rotation: { secretKey: "1" } }).digest).toBe(step().digest);
  });
});

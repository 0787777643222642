import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { AgencyInstanceArgs } from "../../../components/args";
import { AzureAgencyInstance } from "../../../components/azure";
import { ConfigError, defaultReleaseSteps } from "../../../components/config";
import { releaseScript } from "../../../components/release";
import { CapturedResource, ResourceCapture, valueOf } from "../../support/capture";
import {
  azureOutputs,
  installAzureCapture,
  FAKE_ARM_TOKEN,
  FAKE_REGISTRY_PASSWORD,
  FAKE_WORKSPACE_KEY,
} from "../../support/azure-capture";
import { FIXTURES_DIR, REPO_ROOT } from "../../support/paths";

const T = {
  rg: "azure-native:resources:ResourceGroup",
  workspace: "azure-native:operationalinsights:Workspace",
  env: "azure-native:app:ManagedEnvironment",
  identity: "azure-native:managedidentity:UserAssignedIdentity",
  vault: "azure-native:keyvault:Vault",
  secret: "azure-native:keyvault:Secret",
  role: "azure-native:authorization:RoleAssignment",
  server: "azure-native:dbforpostgresql:Server",
  firewall: "azure-native:dbforpostgresql:FirewallRule",
  configuration: "azure-native:dbforpostgresql:Configuration",
  database: "azure-native:dbforpostgresql:Database",
  registry: "azure-native:containerregistry:Registry",
  image: "docker:index/image:Image",
  job: "azure-native:app:Job",
  execution: "pulumi-nodejs:dynamic/agency-deploy:ReleaseExecution",
  web: "azure-native:app:ContainerApp",
  password: "random:index/randomPassword:RandomPassword",
} as const;

function baseArgs(overrides: Partial<AgencyInstanceArgs> = {}): AgencyInstanceArgs {
  return {
    agency: "riverside",
    target: "azure",
    domains: ["riverside.example.org"],
    image: { context: path.join(FIXTURES_DIR, "azure-app") },
    ...overrides,
  };
}

interface Deployed {
  capture: ResourceCapture;
  instance: AzureAgencyInstance;
  one(type: string, name: string): CapturedResource;
}

async function deploy(args: AgencyInstanceArgs = baseArgs()): Promise<Deployed> {
  const capture = installAzureCapture();
  const instance = new AzureAgencyInstance("riverside", args);
  await valueOf(instance.url);
  await valueOf(instance.imageDigest);
  await capture.settled();
  return { capture, instance, one: (type, name) => capture.one(type, name) };
}

function envOf(resource: CapturedResource): Array<{ name: string; value?: string; secretRef?: string }> {
  const template = resource.inputs.template as {
    containers: Array<{ env: Array<{ name: string; value?: string; secretRef?: string }> }>;
  };
  return template.containers[0].env;
}

describe("AzureAgencyInstance", () => {
  let d: Deployed;
  beforeAll(async () => {
    d = await deploy();
  });

  it("rejects invalid args before registering anything, naming each argument path", () => {
    const capture = installAzureCapture();
    let error: unknown;
    try {
      new AzureAgencyInstance("bad", baseArgs({ agency: "Not A Slug", azure: { minReplicas: 0 } }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.key)).toContain("args.agency");
    expect(capture.resources).toHaveLength(0);
  });

  it("refuses scaling the web app to zero in production", () => {
    const capture = installAzureCapture();
    expect(() => new AzureAgencyInstance("zero", baseArgs({ azure: { minReplicas: 0 } }))).toThrow(
      /args\.azure\.minReplicas must be at least 1 in production/,
    );
    expect(capture.resources).toHaveLength(0);
  });

  it("registers itself as one component with every resource beneath it", () => {
    const component = d.capture.ofType("agency-deploy:azure:AgencyInstance");
    expect(component).toHaveLength(1);
    const others = d.capture.resources.filter((r) => r.type !== "agency-deploy:azure:AgencyInstance");
    expect(others.every((r) => r.parent !== "")).toBe(true);
  });

  it("creates a resource group, a Log Analytics workspace and an environment logging to it", () => {
    expect(d.one(T.rg, "riverside-rg").inputs).toMatchObject({ location: "westeurope" });
    expect(d.one(T.workspace, "riverside-logs").inputs).toMatchObject({
      sku: { name: "PerGB2018" },
      retentionInDays: 30,
    });
    const env = d.one(T.env, "riverside-env");
    expect(env.inputs.appLogsConfiguration).toEqual({
      destination: "log-analytics",
      logAnalyticsConfiguration: { customerId: "workspace-customer-id", sharedKey: FAKE_WORKSPACE_KEY },
    });
    expect(env.secretPaths).toContain("appLogsConfiguration");
  });

  it("uses an existing resource group by name instead of creating one", async () => {
    const other = await deploy(baseArgs({ azure: { resourceGroupName: "agency-rg" } }));
    expect(other.capture.ofType(T.rg)).toHaveLength(0);
    expect(other.one(T.server, "riverside-postgres").inputs.resourceGroupName).toBe("agency-rg");
  });

  it("keeps secrets in an RBAC Key Vault with soft delete and purge protection", () => {
    const vault = d.one(T.vault, "riverside-vault");
    expect(vault.inputs.vaultName).toBe("kv-riverside-abc123");
    expect(vault.inputs.properties).toMatchObject({
      tenantId: "00000000-0000-0000-0000-000000000002",
      sku: { family: "A", name: "standard" },
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enablePurgeProtection: true,
    });
    const names = d.capture.ofType(T.secret).map((s) => s.inputs.secretName);
    expect(names.sort()).toEqual([
      "audit-database-url",
      "audit-role-password",
      "audit-writer-database-url",
      "audit-writer-password",
      "database-url",
      "field-encryption-key",
      "postgres-admin-password",
      "secret-key",
    ]);
  });

  it("marks every Key Vault secret value secret", () => {
    for (const secret of d.capture.ofType(T.secret)) {
      expect(secret.secretPaths).toContain("properties");
      expect(typeof (secret.inputs.properties as { value: unknown }).value).toBe("string");
    }
  });

  it("stores database URLs that require TLS and time out connecting", () => {
    const url = (d.one(T.secret, "riverside-database-url").inputs.properties as { value: string }).value;
    expect(url).toMatch(
      /^postgres:\/\/agencyadmin:[A-Za-z0-9]+@riverside-pg-abc123\.postgres\.database\.azure\.com:5432\/app\?sslmode=require&connect_timeout=10$/,
    );
    const audit = (d.one(T.secret, "riverside-audit-database-url").inputs.properties as { value: string })
      .value;
    expect(audit).toMatch(/:5432\/audit\?sslmode=require&connect_timeout=10$/);
  });

  it("grants the identity Key Vault Secrets User on the vault", () => {
    const role = d.one(T.role, "riverside-vault-secrets-user");
    expect(role.inputs).toMatchObject({
      principalId: "identity-principal-id",
      principalType: "ServicePrincipal",
      roleDefinitionId:
        "/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6",
    });
    expect(String(role.inputs.scope)).toBe("riverside-vault-id");
  });

  it("grants the deploying identity Key Vault Secrets Officer on the vault, before any secret, so deletes work", () => {
    const role = d.one(T.role, "riverside-vault-secrets-officer");
    // getClientConfig's objectId: whoever runs `pulumi up`.
    expect(role.inputs).toMatchObject({
      principalId: "object",
      roleDefinitionId:
        "/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    });
    expect(String(role.inputs.scope)).toBe("riverside-vault-id");
    // Scoped to this vault only; no other assignment gives the deployer a data-plane role.
    const deployerRoles = d.capture.ofType(T.role).filter((r) => r.inputs.principalId === "object");
    expect(deployerRoles.map((r) => r.name)).toEqual(["riverside-vault-secrets-officer"]);
    // Secrets depend on it: created after it, and on destroy deleted before it goes.
    for (const secret of d.capture.ofType(T.secret)) expect(d.capture.dependsOn(secret, role)).toBe(true);
  });

  it("runs the release job's init container from a copy of postgres in the instance's own registry", () => {
    const imported = d.one("pulumi-nodejs:dynamic/agency-deploy:RegistryImport", "riverside-postgres-image");
    expect(imported.inputs).toMatchObject({
      sourceRegistry: "docker.io",
      sourceImage: "library/postgres:16.10-bookworm",
      targetTag: "postgres:16.10-bookworm",
    });
    const job = d.one(T.job, "riverside-release");
    const init = (job.inputs.template as { initContainers: { image: string }[] }).initContainers[0];
    expect(init.image).toMatch(/\.azurecr\.io\/postgres:16\.10-bookworm$/);
    // Pulled with the identity from the instance's registry, never anonymously from Docker Hub.
    const registries = (job.inputs.configuration as { registries: { server: string }[] }).registries;
    expect(registries.map((r) => r.server)).toContain(init.image.split("/")[0]);
  });

  it("sizes PostgreSQL 16 Burstable B1ms with auto-grow, 14-day backups and no HA in production", () => {
    const server = d.one(T.server, "riverside-postgres");
    expect(server.inputs).toMatchObject({
      serverName: "riverside-pg-abc123",
      version: "16",
      sku: { name: "Standard_B1ms", tier: "Burstable" },
      storage: { storageSizeGB: 32, autoGrow: "Enabled" },
      backup: { backupRetentionDays: 14, geoRedundantBackup: "Disabled" },
      highAvailability: { mode: "Disabled" },
      administratorLogin: "agencyadmin",
      network: { publicNetworkAccess: "Enabled" },
    });
    expect(server.secretPaths).toContain("administratorLoginPassword");
  });

  it("keeps 7 days of backups in demo mode and honours geo-redundancy from config", async () => {
    const demo = await deploy(baseArgs({ mode: "demo", azure: { geoRedundantBackup: true } }));
    expect(demo.one(T.server, "riverside-postgres").inputs.backup).toEqual({
      backupRetentionDays: 7,
      geoRedundantBackup: "Enabled",
    });
  });

  it("opens the server to Azure services only", () => {
    expect(d.one(T.firewall, "riverside-postgres-azure-services").inputs).toMatchObject({
      startIpAddress: "0.0.0.0",
      endIpAddress: "0.0.0.0",
    });
  });

  it("disables public access and adds no firewall rule when a delegated subnet is given", async () => {
    const vnet = await deploy(
      baseArgs({
        azure: {
          postgresSubnetId:
            "/subscriptions/s/resourceGroups/n/providers/Microsoft.Network/virtualNetworks/v/subnets/pg",
          postgresPrivateDnsZoneId:
            "/subscriptions/s/resourceGroups/n/providers/Microsoft.Network/privateDnsZones/z",
          containerAppsSubnetId:
            "/subscriptions/s/resourceGroups/n/providers/Microsoft.Network/virtualNetworks/v/subnets/apps",
        } as AgencyInstanceArgs["azure"],
      }),
    );
    expect(vnet.one(T.server, "riverside-postgres").inputs.network).toEqual({
      delegatedSubnetResourceId:
        "/subscriptions/s/resourceGroups/n/providers/Microsoft.Network/virtualNetworks/v/subnets/pg",
      privateDnsZoneArmResourceId:
        "/subscriptions/s/resourceGroups/n/providers/Microsoft.Network/privateDnsZones/z",
      publicNetworkAccess: "Disabled",
    });
    expect(vnet.capture.ofType(T.firewall)).toHaveLength(0);
    expect(vnet.one(T.env, "riverside-env").inputs.vnetConfiguration).toMatchObject({
      infrastructureSubnetId:
        "/subscriptions/s/resourceGroups/n/providers/Microsoft.Network/virtualNetworks/v/subnets/apps",
    });
  });

  it("requires TLS on the server", () => {
    expect(d.one(T.configuration, "riverside-postgres-tls").inputs).toMatchObject({
      configurationName: "require_secure_transport",
      value: "ON",
      source: "user-override",
    });
  });

  it("serialises the server's children: firewall, configuration, app database, audit database", () => {
    const server = d.one(T.server, "riverside-postgres");
    const firewall = d.one(T.firewall, "riverside-postgres-azure-services");
    const tls = d.one(T.configuration, "riverside-postgres-tls");
    const appDb = d.one(T.database, "riverside-app-db");
    const auditDb = d.one(T.database, "riverside-audit-db");
    expect(d.capture.dependsOn(firewall, server)).toBe(true);
    expect(d.capture.dependsOn(tls, firewall)).toBe(true);
    expect(d.capture.dependsOn(appDb, tls)).toBe(true);
    expect(d.capture.dependsOn(auditDb, appDb)).toBe(true);
    expect(appDb.inputs.databaseName).toBe("app");
    expect(auditDb.inputs.databaseName).toBe("audit");
  });

  it("protects the server and both databases by default, and not when protectData is false", async () => {
    for (const [type, name] of [
      [T.server, "riverside-postgres"],
      [T.database, "riverside-app-db"],
      [T.database, "riverside-audit-db"],
    ] as const) {
      expect(d.one(type, name).protect).toBe(true);
    }
    const unprotected = await deploy(baseArgs({ protectData: false }));
    expect(unprotected.capture.ofType(T.database).every((db) => !db.protect)).toBe(true);
    expect(unprotected.one(T.server, "riverside-postgres").protect).toBe(false);
  });

  it("builds the image for linux/amd64 and pushes it to a Basic ACR with a secret credential", () => {
    expect(d.one(T.registry, "riverside-registry").inputs).toMatchObject({
      registryName: "acrriversideabc123",
      sku: { name: "Basic" },
      anonymousPullEnabled: false,
    });
    const image = d.one(T.image, "riverside-image");
    expect(image.inputs).toMatchObject({
      imageName: "acrriversideabc123.azurecr.io/riverside:deployed",
      build: { context: path.join(FIXTURES_DIR, "azure-app"), platform: "linux/amd64" },
      registry: {
        server: "acrriversideabc123.azurecr.io",
        username: "registry-admin",
        password: FAKE_REGISTRY_PASSWORD,
      },
    });
    expect(image.secretPaths).toContain("registry");
  });

  it("lets the identity pull from the registry", () => {
    expect(String(d.one(T.role, "riverside-registry-pull").inputs.roleDefinitionId)).toMatch(
      /roleDefinitions\/7f951dda-4ed3-4680-a7ca-43fe172d538d$/,
    );
  });

  it("runs a pushed image reference as is, building nothing; its registry holds only the init image", async () => {
    const pushed = await deploy(baseArgs({ image: { ref: "ghcr.io/agency/app@sha256:" + "a".repeat(64) } }));
    expect(pushed.capture.ofType(T.registry)).toHaveLength(1);
    expect(pushed.capture.ofType(T.image)).toHaveLength(0);
    const web = pushed.one(T.web, "riverside-web");
    expect((web.inputs.template as { containers: Array<{ image: string }> }).containers[0].image).toBe(
      "ghcr.io/agency/app@sha256:" + "a".repeat(64),
    );
  });

  describe("release phase", () => {
    it("is a manual Container Apps Job running the ordered steps once, without retries", () => {
      const job = d.one(T.job, "riverside-release");
      expect(job.inputs.configuration).toMatchObject({
        triggerType: "Manual",
        manualTriggerConfig: { parallelism: 1, replicaCompletionCount: 1 },
        replicaTimeout: 1800,
        replicaRetryLimit: 0,
      });
      const container = (job.inputs.template as { containers: Array<{ command: string[]; image: string }> })
        .containers[0];
      expect(container.image).toBe(`acrriversideabc123.azurecr.io/riverside@sha256:${"d".repeat(64)}`);
      expect(container.command.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
      // The target-neutral release script, whose steps and their order test/components/release.test.ts proves.
      expect(container.command[2]).toBe(releaseScript(defaultReleaseSteps("production")));
    });

    it("is started and awaited with the ARM token as a secret input", () => {
      const execution = d.one(T.execution, "riverside-release-execution");
      expect(execution.inputs).toMatchObject({
        image: `acrriversideabc123.azurecr.io/riverside@sha256:${"d".repeat(64)}`,
        managementEndpoint: "https://management.azure.com",
        token: FAKE_ARM_TOKEN,
        timeoutSeconds: 2100,
        pollSeconds: 10,
      });
      expect(execution.inputs.jobId).toBe("riverside-release-id");
      expect(String(execution.inputs.stepsDigest)).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(execution.secretPaths).toContain("token");
      expect(typeof execution.inputs.__provider).toBe("string");
    });
  });

  describe("audit role", () => {
    type Env = { name: string; value?: string; secretRef?: string };
    const vaultValue = (deployed: Deployed, secretName: string) =>
      (deployed.one(T.secret, `riverside-${secretName}`).inputs.properties as { value: string }).value;
    const initContainers = (deployed: Deployed) =>
      (
        deployed.one(T.job, "riverside-release").inputs.template as {
          initContainers: Array<{
            name: string;
            image: string;
            command: string[];
            env: Env[];
            resources: object;
          }>;
        }
      ).initContainers;

    it("generates the audit role's password as a secret, apart from the admin's", () => {
      const password = d.one(T.password, "riverside-secrets-audit-db-password-g0");
      expect(password.inputs).toMatchObject({ length: 32, special: false, keepers: { generation: "0" } });
      const stored = d.one(T.secret, "riverside-audit-role-password");
      expect(stored.secretPaths).toContain("properties");
      expect(vaultValue(d, "audit-role-password")).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(vaultValue(d, "audit-role-password")).not.toBe(vaultValue(d, "postgres-admin-password"));
      expect(d.one(T.secret, "riverside-postgres-admin-password").secretPaths).toContain("properties");
    });

    it("stores an audit URL that logs in as the audit role with its own password", () => {
      const audit = vaultValue(d, "audit-database-url");
      const password = vaultValue(d, "audit-role-password");
      expect(audit).toBe(
        `postgres://agencyaudit:${password}@riverside-pg-abc123.postgres.database.azure.com:5432/audit` +
          "?sslmode=require&connect_timeout=10",
      );
      expect(vaultValue(d, "database-url")).toContain(
        `agencyadmin:${vaultValue(d, "postgres-admin-password")}@`,
      );
    });

    it("is set up by init containers of the release job, before any release step", () => {
      const [init, writerRole, writerGrants, ...others] = initContainers(d);
      expect(others).toEqual([]);
      expect(init.name).toBe("audit-role");
      expect(init.image).toBe("acrriversideabc123.azurecr.io/postgres:16.10-bookworm");
      expect(init.command).toEqual([
        "/bin/sh",
        "-c",
        fs.readFileSync(path.join(REPO_ROOT, "components", "scripts", "audit-role.sh"), "utf8"),
      ]);
      expect(init.resources).toEqual({ cpu: 0.25, memory: "0.5Gi" });
      expect(init.env).toEqual([
        { name: "PGHOST", value: "riverside-pg-abc123.postgres.database.azure.com" },
        { name: "PGPORT", value: "5432" },
        { name: "PGDATABASE", value: "audit" },
        { name: "PGSSLMODE", value: "require" },
        { name: "PGUSER", value: "agencyadmin" },
        { name: "AUDIT_ROLE", value: "agencyaudit" },
        { name: "AUDIT_DATABASE", value: "audit" },
        { name: "APP_DATABASE", value: "app" },
        { name: "APP_ROLE", value: "agencyadmin" },
        { name: "PGPASSWORD", secretRef: "postgres-admin-password" },
        { name: "AUDIT_ROLE_PASSWORD", secretRef: "audit-role-password" },
      ]);
      // Then the append-only writer: its role made by the admin, its grants by the tables' owner.
      const writerScript = fs.readFileSync(
        path.join(REPO_ROOT, "components", "scripts", "audit-writer-role.sh"),
        "utf8",
      );
      for (const container of [writerRole, writerGrants]) {
        expect(container.command).toEqual(["/bin/sh", "-c", writerScript]);
      }
      expect(writerRole.env).toEqual(
        expect.arrayContaining([
          { name: "PGUSER", value: "agencyadmin" },
          { name: "AUDIT_ROLE", value: "agencyauditwriter" },
          { name: "AUDIT_WRITER_STEP", value: "role" },
          { name: "AUDIT_ROLE_PASSWORD", secretRef: "audit-writer-password" },
        ]),
      );
      expect(writerGrants.env).toEqual(
        expect.arrayContaining([
          { name: "PGUSER", value: "agencyaudit" },
          { name: "PGPASSWORD", secretRef: "audit-role-password" },
          { name: "AUDIT_WRITER_STEP", value: "grants" },
        ]),
      );
      // The audit migration and the lockdown are release steps, in the container after it.
      const release = (
        d.one(T.job, "riverside-release").inputs.template as { containers: Array<{ command: string[] }> }
      ).containers;
      expect(release).toHaveLength(1);
      expect(release[0].command[2]).toContain("migrate --database=audit");
    });

    it("reads the admin and audit role passwords through the identity, in the job only", () => {
      const vaultName = String(d.one(T.vault, "riverside-vault").inputs.vaultName);
      const jobSecrets = (
        d.one(T.job, "riverside-release").inputs.configuration as { secrets: Array<Record<string, string>> }
      ).secrets;
      for (const name of ["postgres-admin-password", "audit-role-password"]) {
        expect(jobSecrets).toContainEqual({
          name,
          keyVaultUrl: `https://${vaultName}.vault.azure.net/secrets/${name}`,
          identity: "riverside-identity-id",
        });
        expect(
          d.capture.dependsOn(d.one(T.job, "riverside-release"), d.one(T.secret, `riverside-${name}`)),
        ).toBe(true);
      }
      const webSecrets = (
        d.one(T.web, "riverside-web").inputs.configuration as { secrets: Array<{ name: string }> }
      ).secrets.map((secret) => secret.name);
      expect(webSecrets).not.toContain("postgres-admin-password");
      expect(webSecrets).not.toContain("audit-role-password");
      for (const resource of [d.one(T.web, "riverside-web"), d.one(T.job, "riverside-release")]) {
        expect(envOf(resource).map((e) => e.name)).not.toContain("PGPASSWORD");
      }
    });

    it("gives the web app the append-only writer's AUDIT_DATABASE_URL, the release the owner's, and outputs the writer's", async () => {
      const urlOf = (resource: ReturnType<Deployed["one"]>) => {
        const ref = envOf(resource).find((e) => e.name === "AUDIT_DATABASE_URL")?.secretRef;
        const secret = (
          resource.inputs.configuration as { secrets: Array<{ name: string; keyVaultUrl: string }> }
        ).secrets.find((s) => s.name === ref);
        return secret?.keyVaultUrl;
      };
      expect(urlOf(d.one(T.web, "riverside-web"))).toMatch(/\/secrets\/audit-writer-database-url$/);
      expect(urlOf(d.one(T.job, "riverside-release"))).toMatch(/\/secrets\/audit-database-url$/);
      const writer = vaultValue(d, "audit-writer-database-url");
      expect(writer).toBe(
        `postgres://agencyauditwriter:${vaultValue(d, "audit-writer-password")}@riverside-pg-abc123.postgres.database.azure.com:5432/audit` +
          "?sslmode=require&connect_timeout=10",
      );
      expect(vaultValue(d, "audit-database-url")).toMatch(/^postgres:\/\/agencyaudit:/);
      expect(vaultValue(d, "audit-writer-password")).not.toBe(vaultValue(d, "audit-role-password"));
      // Neither the owner's password nor the writer's reaches the web app except inside its URL.
      const webSecrets = (
        d.one(T.web, "riverside-web").inputs.configuration as { secrets: Array<{ name: string }> }
      ).secrets.map((secret) => secret.name);
      expect(webSecrets).not.toContain("audit-database-url");
      expect(webSecrets).not.toContain("audit-writer-password");
      expect(await valueOf(d.instance.auditDatabaseUrl)).toBe(writer);
      expect(await pulumi.isSecret(d.instance.auditDatabaseUrl)).toBe(true);
    });

    it("runs the release again, with the new password, when the database passwords rotate", async () => {
      const digest = (deployed: Deployed) =>
        String(deployed.one(T.execution, "riverside-release-execution").inputs.stepsDigest);
      const same = await deploy();
      expect(digest(same)).toBe(digest(d));
      const rotated = await deploy(baseArgs({ rotation: { databasePasswords: "1" } }));
      expect(digest(rotated)).not.toBe(digest(d));
      expect(rotated.capture.ofType(T.password).map((p) => p.name)).toContain(
        "riverside-secrets-audit-db-password-g1",
      );
      expect(vaultValue(rotated, "audit-role-password")).not.toBe(vaultValue(d, "audit-role-password"));
      expect(vaultValue(rotated, "audit-database-url")).toContain(
        `agencyaudit:${vaultValue(rotated, "audit-role-password")}@`,
      );
    });
  });

  describe("dependency chain", () => {
    it("grants Key Vault and registry access before the release job and the web app exist", () => {
      const job = d.one(T.job, "riverside-release");
      const web = d.one(T.web, "riverside-web");
      for (const role of ["riverside-vault-secrets-user", "riverside-registry-pull"]) {
        expect(d.capture.dependsOn(job, d.one(T.role, role))).toBe(true);
        expect(d.capture.dependsOn(web, d.one(T.role, role))).toBe(true);
      }
    });

    it("creates both databases before the release job", () => {
      const job = d.one(T.job, "riverside-release");
      expect(d.capture.dependsOn(job, d.one(T.database, "riverside-audit-db"))).toBe(true);
      // The audit database itself waits for the app database.
      expect(
        d.capture.dependsOn(d.one(T.database, "riverside-audit-db"), d.one(T.database, "riverside-app-db")),
      ).toBe(true);
    });

    it("updates the web app only after the release execution", () => {
      const execution = d.one(T.execution, "riverside-release-execution");
      expect(d.capture.dependsOn(execution, d.one(T.job, "riverside-release"))).toBe(true);
      expect(d.capture.dependsOn(d.one(T.web, "riverside-web"), execution)).toBe(true);
    });
  });

  describe("web app", () => {
    it("serves HTTPS only on port 8000 and keeps one replica in production", () => {
      const web = d.one(T.web, "riverside-web");
      expect(web.inputs.configuration).toMatchObject({
        activeRevisionsMode: "Single",
        ingress: { external: true, targetPort: 8000, allowInsecure: false },
      });
      expect(web.inputs.template).toMatchObject({
        scale: { minReplicas: 1, maxReplicas: 2 },
        terminationGracePeriodSeconds: 40,
      });
    });

    it("may scale to zero in demo mode", async () => {
      const demo = await deploy(baseArgs({ mode: "demo" }));
      expect((demo.one(T.web, "riverside-web").inputs.template as { scale: object }).scale).toEqual({
        minReplicas: 0,
        maxReplicas: 2,
      });
    });

    it("runs gunicorn on $PORT with explicit workers, threads and timeouts, logging to stdout", () => {
      const container = (
        d.one(T.web, "riverside-web").inputs.template as { containers: Array<{ command: string[] }> }
      ).containers[0];
      expect(container.command).toEqual([
        "/bin/sh",
        "-c",
        'exec gunicorn --bind "0.0.0.0:${PORT}" --workers 2 --threads 4 --timeout 60 --graceful-timeout 30 ' +
          "--access-logfile - --error-logfile - --no-control-socket config.wsgi:application",
      ]);
    });

    it("sets CPU and memory to a valid Container Apps pair", () => {
      for (const resource of [d.one(T.web, "riverside-web"), d.one(T.job, "riverside-release")]) {
        const container = (resource.inputs.template as { containers: Array<{ resources: object }> })
          .containers[0];
        expect(container.resources).toEqual({ cpu: 0.5, memory: "1Gi" });
      }
    });

    it("has start-up, liveness and readiness HTTP probes on the health paths with the canonical Host", () => {
      const container = (
        d.one(T.web, "riverside-web").inputs.template as {
          containers: Array<{
            probes: Array<{ type: string; httpGet: { path: string; port: number; httpHeaders: unknown } }>;
          }>;
        }
      ).containers[0];
      const byType = Object.fromEntries(container.probes.map((p) => [p.type, p.httpGet]));
      expect(Object.keys(byType).sort()).toEqual(["Liveness", "Readiness", "Startup"]);
      expect(byType.Startup.path).toBe("/healthz/");
      expect(byType.Liveness.path).toBe("/healthz/");
      expect(byType.Readiness.path).toBe("/readyz/");
      for (const probe of Object.values(byType)) {
        expect(probe.port).toBe(8000);
        expect(probe.httpHeaders).toEqual([{ name: "Host", value: "riverside.example.org" }]);
      }
    });

    it("gives the web app and the job the same env contract, secrets as Key Vault references", () => {
      // Only the audit login differs: the release's is the tables' owner, the web app's the writer.
      const expected = [
        { name: "DJANGO_SETTINGS_MODULE", value: "config.settings.production" },
        { name: "DEBUG", value: "False" },
        {
          name: "ALLOWED_HOSTS",
          value: "riverside.example.org,riverside-web.happy-sea-123.westeurope.azurecontainerapps.io",
        },
        {
          name: "CSRF_TRUSTED_ORIGINS",
          value:
            "https://riverside.example.org,https://riverside-web.happy-sea-123.westeurope.azurecontainerapps.io",
        },
        { name: "PORT", value: "8000" },
        { name: "LANG", value: "C.UTF-8" },
        { name: "LC_ALL", value: "C.UTF-8" },
        { name: "SECRET_KEY", secretRef: "secret-key" },
        { name: "FIELD_ENCRYPTION_KEY", secretRef: "field-encryption-key" },
        { name: "DATABASE_URL", secretRef: "database-url" },
      ];
      const audit = (resource: { type: string }) => ({
        name: "AUDIT_DATABASE_URL",
        secretRef: resource.type === T.job ? "audit-database-url" : "audit-writer-database-url",
      });
      const vaultName = String(d.one(T.vault, "riverside-vault").inputs.vaultName);
      for (const resource of [d.one(T.web, "riverside-web"), d.one(T.job, "riverside-release")]) {
        expect(envOf(resource)).toEqual([...expected, audit(resource)]);
        const configuration = resource.inputs.configuration as { secrets: Array<Record<string, string>> };
        // The job also holds its init containers' three secrets (see "audit role").
        expect(configuration.secrets).toHaveLength(resource.type === T.job ? 7 : 4);
        for (const secret of configuration.secrets) {
          expect(Object.keys(secret).sort()).toEqual(["identity", "keyVaultUrl", "name"]);
          expect(secret.keyVaultUrl).toBe(`https://${vaultName}.vault.azure.net/secrets/${secret.name}`);
          expect(secret.identity).toBe("riverside-identity-id");
        }
        expect(resource.inputs.identity).toEqual({
          type: "UserAssigned",
          userAssignedIdentities: ["riverside-identity-id"],
        });
      }
    });

    it("keeps old keys as fallbacks in the vault while a rotation is in progress", async () => {
      const rotated = await deploy(baseArgs({ rotation: { secretKey: "1", fieldEncryptionKey: "2" } }));
      const names = rotated.capture.ofType(T.secret).map((s) => s.inputs.secretName);
      expect(names).toEqual(
        expect.arrayContaining(["secret-key-fallbacks", "field-encryption-key-fallbacks"]),
      );
      const env = envOf(rotated.one(T.web, "riverside-web")).map((e) => e.name);
      expect(env).toEqual(expect.arrayContaining(["SECRET_KEY_FALLBACKS", "FIELD_ENCRYPTION_KEY_FALLBACKS"]));
    });

    it("puts no secret value in any plain env var", () => {
      const secretValues = d.capture
        .ofType(T.secret)
        .map((s) => (s.inputs.properties as { value: string }).value)
        .concat(d.capture.ofType(T.password).map(() => ""))
        .filter((v) => v !== "");
      for (const resource of [d.one(T.web, "riverside-web"), d.one(T.job, "riverside-release")]) {
        const text = JSON.stringify(resource.inputs);
        for (const value of secretValues) expect(text).not.toContain(value);
      }
    });
  });

  describe("during preview of a new image", () => {
    // A new registry's login server (so the image reference) and a new environment's host name
    // are unknown until `up`.
    let preview: ResourceCapture;
    beforeAll(async () => {
      preview = installAzureCapture({
        preview: true,
        outputs: (args) => {
          if (args.type === T.registry) return { name: args.inputs.registryName };
          return args.type === T.env ? {} : azureOutputs(args);
        },
      });
      new AzureAgencyInstance("riverside", baseArgs());
      await preview.settled();
    });

    it("keeps the web app's probes, scale, resources and ingress known: only the unknown leaves are", () => {
      const web = preview.one(T.web, "riverside-web");
      const template = web.inputs.template as {
        containers: Array<Record<string, unknown>>;
        scale: unknown;
      };
      expect(pulumi.isUnknown(template.containers[0].image)).toBe(true);
      expect(template.containers[0].probes).toHaveLength(3);
      expect(template.containers[0].resources).toEqual({ cpu: 0.5, memory: "1Gi" });
      expect(template.scale).toEqual({ minReplicas: 1, maxReplicas: 2 });
      expect(web.inputs.configuration).toMatchObject({
        activeRevisionsMode: "Single",
        ingress: { external: true, allowInsecure: false, targetPort: 8000, transport: "auto" },
      });
      const [registry] = (web.inputs.configuration as { registries: Array<Record<string, unknown>> })
        .registries;
      expect(pulumi.isUnknown(registry.server)).toBe(true);
      expect(registry.identity).toBe("riverside-identity-id");
      const env = template.containers[0].env as Array<{ name: string; value?: string }>;
      expect(env.find((e) => e.name === "DEBUG")?.value).toBe("False");
      expect(pulumi.isUnknown(env.find((e) => e.name === "ALLOWED_HOSTS")?.value)).toBe(true);
    });

    it("keeps the release job's configuration known and links both apps to the image they run", () => {
      const job = preview.one(T.job, "riverside-release");
      expect(job.inputs.configuration).toMatchObject({ triggerType: "Manual", replicaRetryLimit: 0 });
      const image = preview.one(T.image, "riverside-image");
      for (const app of [job, preview.one(T.web, "riverside-web")]) {
        expect(app.propertyDependencies.template).toContain(image.urn);
      }
    });
  });

  describe("outputs", () => {
    it("reports the URLs, the pinned image, database names and the restore command", async () => {
      const i = d.instance;
      expect(await valueOf(i.url)).toBe(
        "https://riverside-web.happy-sea-123.westeurope.azurecontainerapps.io",
      );
      expect(await valueOf(i.healthUrl)).toBe(
        "https://riverside-web.happy-sea-123.westeurope.azurecontainerapps.io/healthz/",
      );
      expect(await valueOf(i.canonicalUrl)).toBe("https://riverside.example.org");
      expect(await valueOf(i.imageDigest)).toBe(
        `acrriversideabc123.azurecr.io/riverside@sha256:${"d".repeat(64)}`,
      );
      expect(await valueOf(i.appDatabaseName)).toBe("app");
      expect(await valueOf(i.auditDatabaseName)).toBe("audit");
      const restore = await valueOf(i.restore);
      expect(restore.command).toBe(
        "az postgres flexible-server restore --resource-group riverside-rg-name --name riverside-pg-abc123-restored " +
          '--source-server riverside-pg-abc123 --restore-time "RESTORE_TIME"',
      );
      expect(restore.retentionDays).toBe(14);
    });

    it("keeps the connection strings secret", async () => {
      expect(await pulumi.isSecret(d.instance.databaseUrl)).toBe(true);
      expect(await pulumi.isSecret(d.instance.auditDatabaseUrl)).toBe(true);
    });
  });
});

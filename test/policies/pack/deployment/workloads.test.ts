/**
 * Azure workloads as a real `pulumi preview` shows them: props behind the policy SDK's
 * unknown-checking proxy, where a newly built image's reference is unknown, and secrets as Key
 * Vault references.
 */
import { AZURE, DOCKER } from "../../../../policies/pack/rules/types";
import { imageResourcesOf, resolvedEnv, workloadsOf } from "../../../../policies/pack/deployment/workloads";
import { resource, urnOf } from "../../../support/resources";

// The proxy the policy SDK wraps every resource's props in (internal: not in its .d.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownCheckingProxy, unknownStringValue } = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy<T extends object>(props: T): T;
  unknownStringValue: string;
};

const VAULT = "kv-riverside-abc123";
const DATABASE_URL = "postgres://app:pw@db.postgres.database.azure.com:5432/app?connect_timeout=10";

const image = resource(DOCKER.image, "riverside-image", { imageName: "acr.azurecr.io/riverside:deployed" });
const vaultSecret = resource(AZURE.keyVaultSecret, "riverside-database-url", {
  vaultName: VAULT,
  secretName: "database-url",
  properties: { value: DATABASE_URL },
});

function webApp(keyVaultUrl: string): ReturnType<typeof resource> {
  const props = {
    configuration: {
      secrets: [{ name: "database-url", keyVaultUrl, identity: "id" }],
    },
    template: {
      containers: [
        {
          name: "web",
          image: unknownStringValue,
          command: ["/bin/sh", "-c", "exec gunicorn config.wsgi:application --bind 0.0.0.0:${PORT}"],
          env: [
            { name: "DEBUG", value: "False" },
            { name: "ALLOWED_HOSTS", value: unknownStringValue },
            { name: "DATABASE_URL", secretRef: "database-url" },
          ],
          resources: { cpu: 0.5, memory: "1Gi" },
        },
      ],
    },
  };
  return resource(AZURE.containerApp, "riverside-web", unknownCheckingProxy(props), {
    propertyDependencies: { template: [urnOf(DOCKER.image, "riverside-image")] },
  });
}

describe("Azure workloads during preview", () => {
  it("read a container whose image is unknown, the unknown leaves marked as such", () => {
    const [web] = workloadsOf(webApp(`https://${VAULT}.vault.azure.net/secrets/database-url`));
    expect(web.role).toBe("web");
    expect(web.image).toBeUndefined();
    expect(web.env).toEqual({
      DEBUG: { kind: "value", value: "False" },
      ALLOWED_HOSTS: { kind: "unknown" },
      DATABASE_URL: { kind: "secret-ref" },
    });
  });

  it("find the image a container runs through the template's property dependencies", () => {
    const [web] = workloadsOf(webApp(`https://${VAULT}.vault.azure.net/secrets/database-url`));
    expect(imageResourcesOf(web, [image, vaultSecret])).toEqual([image]);
  });
});

describe("resolvedEnv", () => {
  it("follows a secretRef to the Key Vault secret of the same stack", () => {
    const [web] = workloadsOf(webApp(`https://${VAULT}.vault.azure.net/secrets/database-url`));
    expect(resolvedEnv(web, "DATABASE_URL", [vaultSecret])).toEqual({ kind: "value", value: DATABASE_URL });
  });

  it("is unknown while the secret's URL is not known", () => {
    const [web] = workloadsOf(webApp(unknownStringValue));
    expect(resolvedEnv(web, "DATABASE_URL", [vaultSecret])).toEqual({ kind: "unknown" });
  });

  it("stays a secret reference for a vault outside the stack", () => {
    const [web] = workloadsOf(webApp("https://other-vault.vault.azure.net/secrets/database-url"));
    expect(resolvedEnv(web, "DATABASE_URL", [vaultSecret])).toEqual({ kind: "secret-ref" });
  });

  it("returns plain values as they are", () => {
    const [web] = workloadsOf(webApp(`https://${VAULT}.vault.azure.net/secrets/database-url`));
    expect(resolvedEnv(web, "DEBUG", [])).toEqual({ kind: "value", value: "False" });
  });
});

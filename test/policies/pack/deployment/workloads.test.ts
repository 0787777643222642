/**
 * Azure workloads as a real `pulumi preview` shows them: props behind the policy SDK's
 * unknown-checking proxy, where a newly built image's reference is unknown, and secrets as Key
 * Vault references.
 */
import { AZURE, DOCKER } from "../../../../policies/pack/rules/types";
import {
  imageResourcesOf,
  resolvedEnv,
  unknownEnv,
  workloadsOf,
} from "../../../../policies/pack/deployment/workloads";
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

/**
 * A docker container during a real preview: `pulumi.interpolate\`ALLOWED_HOSTS=${domain}\`` makes
 * the whole env entry unknown (its name too), and the proxy throws on reading it.
 */
describe("docker env entries unknown during preview", () => {
  const web = (envs: string[]) =>
    resource(
      DOCKER.container,
      "web",
      unknownCheckingProxy({ image: "app:1", envs: ["DEBUG=False", ...envs] }),
    );

  it("reads the known entries around an entry unknown as a whole, and keeps where it is", () => {
    const [workload] = workloadsOf(web([unknownStringValue, "LANG=C.UTF-8"]));
    expect(workload.knownEnv).toEqual({ DEBUG: "False", LANG: "C.UTF-8" });
    expect(workload.unknownEnvEntries).toEqual(["envs.1"]);
  });

  it("says a variable set to a value unknown until the deployment is not known, naming it", () => {
    const [workload] = workloadsOf(web([`ALLOWED_HOSTS=${unknownStringValue}`]));
    expect(unknownEnv(workload, "ALLOWED_HOSTS")).toEqual({
      kind: "unverifiable",
      message: 'ALLOWED_HOSTS of "web" is not known until the deployment runs.',
      location: { urn: workload.resource.urn, property: "envs" },
    });
    expect(unknownEnv(workload, "DEBUG")).toBeUndefined();
    expect(unknownEnv(workload, "LANG")).toBeUndefined();
  });

  it("says a variable the container does not visibly set may be set by the unknown entry", () => {
    const [workload] = workloadsOf(web([unknownStringValue]));
    expect(unknownEnv(workload, "ALLOWED_HOSTS")).toMatchObject({
      kind: "unverifiable",
      message: '"web" may set ALLOWED_HOSTS in envs.1, which is not known until the deployment runs.',
      location: { property: "envs.1" },
    });
    expect(unknownEnv(workload, "DEBUG")).toBeUndefined();
  });
});

describe("docker start commands unknown during preview", () => {
  const web = (props: Record<string, unknown>) =>
    resource(DOCKER.container, "web", unknownCheckingProxy({ image: "app:1", ...props }));

  it("say the command is not known instead of reading the words that are", () => {
    const [workload] = workloadsOf(web({ command: ["sh", "-c", unknownStringValue] }));
    expect(workload.misshapen).toEqual([
      expect.objectContaining({
        kind: "unverifiable",
        message: "web's command is not known until the deployment runs.",
        location: expect.objectContaining({ property: "command" }),
      }),
    ]);
  });

  it("read a container whose whole env list is unknown as possibly setting any variable", () => {
    const [workload] = workloadsOf(web({ envs: unknownStringValue }));
    expect(workload.env).toEqual({});
    expect(unknownEnv(workload, "DATABASE_URL")?.message).toBe(
      '"web" may set DATABASE_URL in envs, which is not known until the deployment runs.',
    );
  });
});

import { createHash } from "crypto";
import type * as pulumi from "@pulumi/pulumi";

/**
 * Mocked provider answers shaped like the real providers' outputs, so that programs which read
 * outputs (an image digest, a container's exit code, a generated password's length) behave as
 * they would against Docker, Azure and the random provider. Values are derived from the
 * resource's type and name, so two runs of the same program produce the same values.
 */

type Props = Record<string, unknown>;

function digestOf(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex");
}

// Generated values must have the provider's alphabet and length, not be random: reports and
// tests compare runs, and a secret's shape is what policies may check.
function charsFrom(seed: string, length: number, alphabet: string): string {
  let out = "";
  let block = 0;
  while (out.length < length) {
    const bytes = createHash("sha256").update(`${seed}:${block++}`).digest();
    for (const b of bytes) {
      if (out.length === length) break;
      out += alphabet[b % alphabet.length];
    }
  }
  return out;
}

function bytesFrom(seed: string, length: number): Buffer {
  const chunks: Buffer[] = [];
  let size = 0;
  for (let block = 0; size < length; block++) {
    const chunk = createHash("sha256").update(`${seed}:${block}`).digest();
    chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).subarray(0, length);
}

function num(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS = "0123456789";
const DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

function randomStringResult(seed: string, inputs: Props): string {
  const length = num(inputs.length, 16);
  let alphabet = "";
  if (inputs.lower !== false) alphabet += LOWER;
  if (inputs.upper !== false) alphabet += UPPER;
  if (inputs.numeric !== false && inputs.number !== false) alphabet += DIGITS;
  if (inputs.special !== false) {
    alphabet += typeof inputs.overrideSpecial === "string" ? inputs.overrideSpecial : DEFAULT_SPECIAL;
  }
  return charsFrom(seed, length, alphabet || LOWER);
}

function uuidFrom(seed: string): string {
  const h = digestOf(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const TENANT = "11111111-1111-1111-1111-111111111111";

// azure-native module -> ARM provider namespace, for ids that look like Azure's.
const AZURE_NAMESPACES: Record<string, string> = {
  app: "Microsoft.App",
  dbforpostgresql: "Microsoft.DBforPostgreSQL",
  keyvault: "Microsoft.KeyVault",
  operationalinsights: "Microsoft.OperationalInsights",
  containerregistry: "Microsoft.ContainerRegistry",
  managedidentity: "Microsoft.ManagedIdentity",
  network: "Microsoft.Network",
  storage: "Microsoft.Storage",
  authorization: "Microsoft.Authorization",
  insights: "Microsoft.Insights",
};

// The SDK sends an object holding a secret (a Key Vault secret's `properties`) as one secret
// value; computed fields belong inside it. The runner marks the output secret again.
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
function unwrapSecret(value: unknown): unknown {
  const v = (value ?? {}) as Props;
  return v[SECRET_SIG_KEY] === SECRET_SIG ? (v.value ?? {}) : v;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function azureName(name: string, inputs: Props, type: string): string {
  const kind = type.split(":")[2] ?? "";
  const explicit = inputs[`${lowerFirst(kind)}Name`] ?? inputs.name ?? inputs.serverName ?? inputs.vaultName;
  if (typeof explicit === "string" && explicit !== "") return explicit;
  // azure-native auto-names append eight random characters to the logical name.
  return `${name}${digestOf(type, name).slice(0, 8)}`;
}

function azureOutputs(type: string, name: string, inputs: Props): { id: string; state: Props } {
  const [, module, kind] = type.split(":");
  const resourceName = azureName(name, inputs, type);
  const group = typeof inputs.resourceGroupName === "string" ? inputs.resourceGroupName : `${name}-rg`;
  if (module === "resources" && kind === "ResourceGroup") {
    const id = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${resourceName}`;
    return { id, state: { ...inputs, id, name: resourceName, resourceGroupName: resourceName } };
  }
  const namespace = AZURE_NAMESPACES[module] ?? `Microsoft.${module}`;
  const collection =
    module === "dbforpostgresql" && kind === "Server" ? "flexibleServers" : `${lowerFirst(kind)}s`;
  const id = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${group}/providers/${namespace}/${collection}/${resourceName}`;
  const state: Props = { ...inputs, id, name: resourceName, azureApiVersion: "2024-03-01" };
  if (module === "dbforpostgresql" && kind === "Server") {
    state.fullyQualifiedDomainName = `${resourceName}.postgres.database.azure.com`;
    state.state = "Ready";
  }
  if (module === "app" && kind === "ContainerApp") {
    const fqdn = `${resourceName}.${digestOf(group).slice(0, 10)}.westeurope.azurecontainerapps.io`;
    state.latestRevisionFqdn = fqdn;
    state.latestRevisionName = `${resourceName}--${digestOf(type, name, "rev").slice(0, 7)}`;
    state.outboundIpAddresses = ["20.50.0.10"];
    const configuration = (inputs.configuration ?? {}) as Props;
    const ingress = configuration.ingress as Props | undefined;
    if (ingress) state.configuration = { ...configuration, ingress: { ...ingress, fqdn } };
  }
  if (module === "app" && kind === "ManagedEnvironment") {
    state.defaultDomain = `${digestOf(group).slice(0, 10)}.westeurope.azurecontainerapps.io`;
    state.staticIp = "20.50.0.10";
  }
  if (module === "containerregistry" && kind === "Registry") {
    // ACR login servers are the registry name, lowercased, under azurecr.io.
    state.loginServer = `${resourceName.toLowerCase()}.azurecr.io`;
  }
  if (module === "operationalinsights" && kind === "Workspace") {
    state.customerId = uuidFrom(`${id}:customer`);
  }
  if (module === "keyvault" && kind === "Vault") {
    state.properties = {
      ...(unwrapSecret(inputs.properties) as Props),
      vaultUri: `https://${resourceName}.vault.azure.net/`,
    };
  }
  if (module === "keyvault" && kind === "Secret") {
    state.properties = {
      ...(unwrapSecret(inputs.properties) as Props),
      // Versionless URI of the secret in its own vault.
      secretUri: `https://${String(inputs.vaultName)}.vault.azure.net/secrets/${resourceName}`,
    };
  }
  if (module === "managedidentity") {
    Object.assign(state, {
      principalId: uuidFrom(`${id}:p`),
      clientId: uuidFrom(`${id}:c`),
      tenantId: TENANT,
    });
  }
  return { id, state };
}

/** The `name` the program set, else the one the provider picks. */
function givenName(inputs: Props, picked: string): string {
  return typeof inputs.name === "string" ? inputs.name : picked;
}

function dockerOutputs(type: string, name: string, inputs: Props): { id: string; state: Props } {
  const seed = `${type}:${name}`;
  switch (type) {
    case "docker:index/image:Image": {
      const imageName = typeof inputs.imageName === "string" ? inputs.imageName : `${name}:latest`;
      const digest = `sha256:${digestOf(seed, "digest")}`;
      const repo = imageName.replace(/:[^/:]+$/, "");
      return {
        id: `${imageName}-${digest}`,
        state: {
          ...inputs,
          imageName,
          repoDigest: `${repo}@${digest}`,
          baseImageName: imageName,
          registryServer: imageName.includes("/") ? imageName.split("/")[0] : "docker.io",
          platform: "linux/amd64",
          dockerfile:
            typeof (inputs.build as Props | undefined)?.dockerfile === "string"
              ? (inputs.build as Props).dockerfile
              : "Dockerfile",
          context:
            typeof (inputs.build as Props | undefined)?.context === "string"
              ? (inputs.build as Props).context
              : ".",
        },
      };
    }
    case "docker:index/remoteImage:RemoteImage": {
      const digest = `sha256:${digestOf(seed, "digest")}`;
      const ref = typeof inputs.name === "string" ? inputs.name : name;
      return {
        id: `sha256:${digestOf(seed, "id")}${ref}`,
        state: {
          ...inputs,
          imageId: `sha256:${digestOf(seed, "id")}`,
          repoDigest: `${ref.replace(/:[^/:]+$/, "")}@${digest}`,
        },
      };
    }
    case "docker:index/container:Container": {
      const id = digestOf(seed, "container");
      return {
        id,
        state: {
          ...inputs,
          // The provider auto-names a container without a `name`: the logical name, a dash and 7 hex.
          name: givenName(inputs, `${name}-${digestOf(seed, "name").slice(0, 7)}`),
          exitCode: 0,
          containerLogs: "",
          hostname: id.slice(0, 12),
          bridge: "",
          networkDatas: [
            { gateway: "172.18.0.1", ipAddress: "172.18.0.2", ipPrefixLength: 16, networkName: "bridge" },
          ],
        },
      };
    }
    case "docker:index/volume:Volume": {
      const volumeName = givenName(inputs, name);
      const mountpoint = `/var/lib/docker/volumes/${volumeName}/_data`;
      return { id: volumeName, state: { ...inputs, name: volumeName, driver: "local", mountpoint } };
    }
    case "docker:index/network:Network": {
      const state = { ...inputs, name: givenName(inputs, name), driver: "bridge", scope: "local" };
      return { id: digestOf(seed, "network"), state };
    }
    default:
      return { id: digestOf(seed).slice(0, 32), state: { ...inputs } };
  }
}

function randomOutputs(type: string, name: string, inputs: Props): { id: string; state: Props } {
  const seed = `${type}:${name}`;
  switch (type) {
    case "random:index/randomPassword:RandomPassword":
    case "random:index/randomString:RandomString": {
      const result = randomStringResult(seed, inputs);
      const state: Props = { ...inputs, result, length: num(inputs.length, 16) };
      // bcrypt hashes are 60 characters in the $2a$10$ format.
      if (type.endsWith("RandomPassword"))
        state.bcryptHash = `$2a$10$${charsFrom(`${seed}:bcrypt`, 53, `./${UPPER}${LOWER}${DIGITS}`)}`;
      return { id: type.endsWith("RandomPassword") ? "none" : result, state };
    }
    case "random:index/randomBytes:RandomBytes": {
      const bytes = bytesFrom(seed, num(inputs.length, 32));
      return {
        id: "none",
        state: { ...inputs, base64: bytes.toString("base64"), hex: bytes.toString("hex") },
      };
    }
    case "random:index/randomId:RandomId": {
      const bytes = bytesFrom(seed, num(inputs.byteLength, 8));
      const b64Url = bytes.toString("base64url");
      const prefix = typeof inputs.prefix === "string" ? inputs.prefix : "";
      return {
        id: b64Url,
        state: {
          ...inputs,
          hex: prefix + bytes.toString("hex"),
          b64Url: prefix + b64Url,
          b64Std: prefix + bytes.toString("base64"),
          dec: prefix + BigInt(`0x${bytes.toString("hex")}`).toString(),
        },
      };
    }
    case "random:index/randomUuid:RandomUuid": {
      const result = uuidFrom(seed);
      return { id: result, state: { ...inputs, result } };
    }
    case "random:index/randomInteger:RandomInteger": {
      const min = typeof inputs.min === "number" ? inputs.min : 0;
      const max = typeof inputs.max === "number" ? inputs.max : min;
      const result = min + (parseInt(digestOf(seed).slice(0, 8), 16) % (max - min + 1));
      return { id: String(result), state: { ...inputs, result } };
    }
    case "random:index/randomPet:RandomPet": {
      const result = `${charsFrom(seed, 6, LOWER)}-${charsFrom(`${seed}:2`, 6, LOWER)}`;
      return { id: result, state: { ...inputs, result } };
    }
    default:
      return { id: digestOf(seed).slice(0, 32), state: { ...inputs } };
  }
}

/** Provider outputs by type token: Docker, Azure Native and random are shaped like the real ones. */
export function realisticOutputs(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
  const inputs = (args.inputs ?? {}) as Props;
  const pkg = args.type.split(":")[0];
  if (args.type.startsWith("pulumi:providers:"))
    return { id: digestOf(args.type, args.name), state: { ...inputs } };
  // A StackReference reads a stack's last outputs; offline there is no earlier deployment to read.
  if (args.type === "pulumi:pulumi:StackReference") {
    const stack = typeof inputs.name === "string" ? inputs.name : args.name;
    return { id: stack, state: { ...inputs, name: stack, outputs: {}, secretOutputNames: [] } };
  }
  if (pkg === "docker") return dockerOutputs(args.type, args.name, inputs);
  if (pkg === "azure-native") return azureOutputs(args.type, args.name, inputs);
  if (pkg === "random") return randomOutputs(args.type, args.name, inputs);
  return {
    id: args.custom === false ? "" : `${args.name}-${digestOf(args.type, args.name).slice(0, 8)}`,
    state: { ...inputs },
  };
}

/** Function (invoke) results for data sources a deployment commonly reads. */
export function realisticCall(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
  const inputs = (args.inputs ?? {}) as Props;
  switch (args.token) {
    case "azure-native:authorization:getClientConfig":
      return {
        clientId: uuidFrom("client"),
        objectId: uuidFrom("object"),
        subscriptionId: SUBSCRIPTION,
        tenantId: TENANT,
      };
    case "azure-native:operationalinsights:getSharedKeys": {
      // Workspace keys are 64 random bytes, base64.
      const seed = `${String(inputs.resourceGroupName)}/${String(inputs.workspaceName)}`;
      return {
        primarySharedKey: bytesFrom(`${seed}:primary`, 64).toString("base64"),
        secondarySharedKey: bytesFrom(`${seed}:secondary`, 64).toString("base64"),
      };
    }
    case "azure-native:containerregistry:listRegistryCredentials": {
      // The admin user is named after the registry; ACR always issues two passwords.
      const registry = String(inputs.registryName);
      return {
        username: registry,
        passwords: ["password", "password2"].map((name) => ({
          name,
          value: charsFrom(`${registry}:${name}`, 52, `${UPPER}${LOWER}${DIGITS}+/`),
        })),
      };
    }
    case "azure-native:authorization:getClientToken": {
      // An ARM access token is a JWT: header.payload.signature, base64url.
      const part = (seed: string, length: number) =>
        bytesFrom(`client-token:${seed}`, length).toString("base64url");
      return { token: `${part("header", 48)}.${part("payload", 600)}.${part("signature", 256)}` };
    }
    case "docker:index/getRegistryImage:getRegistryImage":
      return { ...inputs, sha256Digest: `sha256:${digestOf(String(inputs.name), "registry")}` };
    case "docker:index/getRemoteImage:getRemoteImage":
      return {
        ...inputs,
        repoDigest: `${String(inputs.name)}@sha256:${digestOf(String(inputs.name), "remote")}`,
      };
    default:
      return { ...inputs };
  }
}

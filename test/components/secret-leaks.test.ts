/**
 * No secret leaves in plain text. Both targets run under Pulumi's mocks with every rotation
 * generation in play; every value the mocked providers generate (passwords, key bytes and the
 * forms derived from them) and every credential an invoke returns is collected, then every resource
 * input, every component output and every instance output (the runbook included) is searched for
 * them outside a Pulumi secret.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { MockResourceArgs, MockResourceResult } from "@pulumi/pulumi/runtime/mocks";
import { deployAgency } from "../../stacks/program";
import {
  FAKE_ARM_TOKEN,
  FAKE_REGISTRY_PASSWORD,
  FAKE_WORKSPACE_KEY,
  installAzureCapture,
} from "../support/azure-capture";
import { installCapture, valueOf, type ResourceCapture } from "../support/capture";
import { FIXTURES_DIR } from "../support/paths";

// Internal SDK modules, as test/support/capture.ts uses them (untyped in the .d.ts, stable in 3.248).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc") as {
  deserializeProperties(struct: unknown): Record<string, unknown>;
  specialSigKey: string;
  specialSecretSig: string;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): Monitor };

interface Request {
  getName(): string;
  getUrn?(): string;
  getObject?(): unknown;
  getOutputs?(): unknown;
}

interface Monitor {
  mocks: pulumi.runtime.Mocks;
  registerResource(req: Request, callback: unknown): unknown;
  registerResourceOutputs(req: Request, callback: unknown): unknown;
}

/** A string that reached the engine (or a stack output) in plain form, and where. */
interface PlainString {
  where: string;
  text: string;
}

/** Every string in `value` that is not inside a serialized Pulumi secret. */
function plainStrings(value: unknown, where: string, into: PlainString[]): void {
  if (typeof value === "string") {
    into.push({ where, text: value });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => plainStrings(v, `${where}[${i}]`, into));
  } else if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[rpc.specialSigKey] === rpc.specialSecretSig) return;
    for (const [key, v] of Object.entries(record)) plainStrings(v, `${where}.${key}`, into);
  }
}

/** The generated values of a mocked random resource, in every form the components derive. */
function generatedForms(args: MockResourceArgs, state: Record<string, unknown>): string[] {
  const forms: string[] = [];
  if (args.type === "random:index/randomPassword:RandomPassword" && typeof state.result === "string") {
    forms.push(state.result, encodeURIComponent(state.result));
  }
  if (args.type === "random:index/randomBytes:RandomBytes" && typeof state.base64 === "string") {
    const bytes = Buffer.from(state.base64, "base64");
    forms.push(state.base64, bytes.toString("hex"), bytes.toString("base64url"));
  }
  return forms;
}

interface Watch {
  capture: ResourceCapture;
  secrets: Set<string>;
  plain: PlainString[];
  /** Strings that did reach the engine, secret or not: proof the search can see the values. */
  all: PlainString[];
}

/**
 * Wrap the installed mock monitor: record what the random mocks generate, and every registration's
 * inputs and every component's outputs as the SDK serialized them (secrets still marked).
 */
function watch(capture: ResourceCapture): Watch {
  const monitor = settings.getMonitor();
  const w: Watch = { capture, secrets: new Set(), plain: [], all: [] };
  const newResource = monitor.mocks.newResource.bind(monitor.mocks);
  monitor.mocks = {
    ...monitor.mocks,
    newResource: async (args: MockResourceArgs): Promise<MockResourceResult> => {
      const result = await newResource(args);
      for (const form of generatedForms(args, result.state as Record<string, unknown>)) w.secrets.add(form);
      return result;
    },
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const inputs = rpc.deserializeProperties(req.getObject?.());
    plainStrings(inputs, `${req.getName()} inputs`, w.plain);
    w.all.push({ where: req.getName(), text: JSON.stringify(inputs) });
    return register(req, callback);
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, callback) => {
    plainStrings(rpc.deserializeProperties(req.getOutputs?.()), `${req.getUrn?.()} outputs`, w.plain);
    return registerOutputs(req, callback);
  };
  return w;
}

/** Every Output property of the instance: what the stack program exports, and more. */
async function instanceOutputs(instance: object, into: PlainString[]): Promise<number> {
  let count = 0;
  for (const [name, value] of Object.entries(instance)) {
    if (!pulumi.Output.isInstance(value)) continue;
    count++;
    if (await pulumi.isSecret(value)) continue;
    plainStrings(await valueOf(value as pulumi.Output<unknown>), `output ${name}`, into);
  }
  return count;
}

function leaks(w: Watch): string[] {
  const found: string[] = [];
  for (const { where, text } of w.plain) {
    for (const secret of w.secrets)
      if (text.includes(secret)) found.push(`${where} contains a generated secret`);
  }
  return found;
}

/** The stack config of an agency, as the engine hands it to the program, with the previous generation of every secret alive. */
function stackConfig(target: "docker" | "azure", context: string): Record<string, string> {
  return {
    "agency-deploy:agency": "lakeside",
    "agency-deploy:target": target,
    "agency-deploy:domains": JSON.stringify(["lakeside.example.org"]),
    "agency-deploy:image": JSON.stringify({ context }),
    "agency-deploy:rotation": JSON.stringify({
      secretKey: "2",
      fieldEncryptionKey: "1",
      databasePasswords: "1",
    }),
  };
}

describe.each([
  ["docker", () => installCapture(), path.join(FIXTURES_DIR, "docker-instance", "app"), []],
  [
    "azure",
    () => installAzureCapture(),
    path.join(FIXTURES_DIR, "azure-app"),
    [FAKE_ARM_TOKEN, FAKE_REGISTRY_PASSWORD, FAKE_WORKSPACE_KEY],
  ],
] as const)("the %s target under mocks", (target, install, context, providerSecrets) => {
  let w: Watch;
  let outputs: number;

  beforeAll(async () => {
    w = watch(install());
    for (const secret of providerSecrets) w.secrets.add(secret);
    const instance = deployAgency(stackConfig(target, context));
    outputs = await instanceOutputs(instance, w.plain);
    await w.capture.settled();
  });

  it("generates the secrets it is checked for, and they do reach the engine (as secrets)", () => {
    // Current and previous generation of SECRET_KEY, the field key and both database passwords.
    expect(w.secrets.size).toBeGreaterThanOrEqual(8);
    const reached = [...w.secrets].filter((s) => w.all.some(({ text }) => text.includes(s)));
    expect(reached.length).toBeGreaterThanOrEqual(4);
    expect(outputs).toBeGreaterThanOrEqual(9);
  });

  it("never shows a generated secret outside a Pulumi secret: inputs, component outputs, instance outputs, runbook", () => {
    expect(w.plain.some(({ where }) => where === "output runbook")).toBe(true);
    expect(leaks(w)).toEqual([]);
  });
});

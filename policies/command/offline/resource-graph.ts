import { UNKNOWN } from "../../protocol";
import { defaultResourceOptions, type ProgramRun, type Registration, type WireObject } from "./registration";

/** A provider as analyzers see it (AnalyzerProviderResource). */
export interface ProviderInfo {
  urn: string;
  type: string;
  name: string;
  properties: WireObject;
}

/** One resource of the deployment as the engine hands it to analyzers. */
export interface EngineResource {
  registration: Registration;
  /** The resource's provider, explicit or the engine's default for its package. */
  provider?: ProviderInfo;
}

const PROVIDER_PREFIX = "pulumi:providers:";

/** The engine's name for a default provider: `default`, or `default_<version>` with . - + as _. */
export function defaultProviderName(version: string): string {
  return version === "" ? "default" : `default_${version.replace(/[.+-]/g, "_")}`;
}

function packageOf(type: string): string {
  return type.split(":")[0];
}

// The engine configures a default provider from the stack's `<package>:<key>` config values.
function packageConfig(pkg: string, config: Record<string, string>, version: string): WireObject {
  const inputs: WireObject = {};
  for (const [key, value] of Object.entries(config)) {
    const [ns, name] = key.split(":", 2);
    if (ns === pkg && name !== undefined) inputs[name] = value;
  }
  if (version !== "") inputs.version = version;
  return inputs;
}

/**
 * The deployment's resources in the order the engine steps through them: the program's
 * registrations, with each default provider inserted before the first resource that needs it.
 */
export function engineResources(run: ProgramRun, config: Record<string, string>): EngineResource[] {
  const providers = new Map<string, ProviderInfo>();
  const resources: EngineResource[] = [];
  for (const registration of run.registrations) {
    let provider: ProviderInfo | undefined;
    const isProvider = registration.type.startsWith(PROVIDER_PREFIX);
    if (registration.custom && !isProvider) {
      if (registration.provider !== "") {
        // A provider reference is `<urn>::<id>`; URNs contain "::" themselves, so split at the last one.
        const urn = registration.provider.slice(0, registration.provider.lastIndexOf("::"));
        provider = providers.get(urn);
      } else {
        const pkg = packageOf(registration.type);
        const name = defaultProviderName(registration.version);
        const type = `${PROVIDER_PREFIX}${pkg}`;
        const urn = `urn:pulumi:${run.stack}::${run.project}::${type}::${name}`;
        provider = providers.get(urn);
        if (!provider) {
          provider = { urn, type, name, properties: packageConfig(pkg, config, registration.version) };
          providers.set(urn, provider);
          resources.push({
            registration: {
              urn,
              type,
              name,
              custom: true,
              parent: "",
              dependencies: [],
              propertyDependencies: {},
              provider: "",
              version: registration.version,
              inputs: provider.properties,
              options: defaultResourceOptions(),
              // A provider the preview has not created yet has an unknown id.
              id: UNKNOWN,
            },
          });
        }
      }
    }
    if (isProvider) {
      providers.set(registration.urn, {
        urn: registration.urn,
        type: registration.type,
        name: registration.name,
        properties: registration.inputs,
      });
    }
    resources.push({ registration, provider });
  }
  return resources;
}

/**
 * The component provider `pulumi package add` runs: Pulumi's own ComponentProvider (the schema
 * inferred from the TypeScript source by its analyzer, construct by calling the class), serving
 * the two instance components, with the one thing the analyzer cannot infer added to the schema:
 * which outputs are secret, so that every generated SDK marks them so.
 */
import * as fs from "fs";
import * as path from "path";
import { main } from "@pulumi/pulumi/provider";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental/provider";
import { AzureAgencyInstance } from "./azure/instance";
import { DockerAgencyInstance } from "./docker/instance";
import { SECRET_OUTPUT_NAMES } from "./outputs";

/** The components other languages get: the instances. Their building blocks are TypeScript-only. */
export const PLUGIN_COMPONENTS = [DockerAgencyInstance, AzureAgencyInstance];

/** The package name, which is the schema's provider name (`agency-deploy:index:DockerAgencyInstance`). */
export const PLUGIN_NAME = "agency-deploy";

/** The plugin directory (PulumiPlugin.yaml), from the source tree or from its dist/ build. */
export function pluginDirectory(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "PulumiPlugin.yaml"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no PulumiPlugin.yaml above ${from}`);
  }
}

interface SchemaResource {
  properties?: Record<string, { secret?: boolean }>;
}

/** Mark the instances' credential outputs `secret` in a package schema (JSON text). */
export function markSecretOutputs(schemaText: string): string {
  const schema = JSON.parse(schemaText) as { resources?: Record<string, SchemaResource> };
  for (const component of PLUGIN_COMPONENTS) {
    const resource = schema.resources?.[`${PLUGIN_NAME}:index:${component.name}`];
    for (const name of SECRET_OUTPUT_NAMES) {
      const property = resource?.properties?.[name];
      if (property === undefined) throw new Error(`the schema of ${component.name} has no output ${name}`);
      property.secret = true;
    }
  }
  return JSON.stringify(schema);
}

export class AgencyDeployProvider extends ComponentProvider {
  constructor(dirname: string = pluginDirectory()) {
    super({ name: PLUGIN_NAME, dirname, components: PLUGIN_COMPONENTS });
  }

  override async getSchema(): Promise<string> {
    return markSecretOutputs(await super.getSchema());
  }
}

/** Serve the provider to the engine (the arguments are the engine's, as the plugin runner passes them). */
export function startPlugin(): Promise<void> {
  return main(new AgencyDeployProvider(), process.argv.slice(2));
}

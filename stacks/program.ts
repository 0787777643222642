/**
 * The stack program's one decision: read the stack's `agency-deploy:*` config, validate it, and
 * build the agency instance for its target. Invalid configuration stops the program with every
 * problem listed by key, without a stack trace and with nothing registered.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AgencyInstanceArgs } from "../components/args";
import { ConfigError, configKey, parseInstanceSettings, rawSettingsFromConfig } from "../components/config";
import { AzureAgencyInstance } from "../components/azure";
import { DockerAgencyInstance } from "../components/docker";

/** Build the instance the config describes; the component is named after the agency. */
export function deployAgency(allConfig: Record<string, string>): DockerAgencyInstance | AzureAgencyInstance {
  const raw = rawSettingsFromConfig(allConfig);
  try {
    const { target, agency } = parseInstanceSettings(raw);
    // The components validate again with the same schema; `raw` passed it just above.
    const args = raw as AgencyInstanceArgs;
    return target === "azure"
      ? new AzureAgencyInstance(agency, args)
      : new DockerAgencyInstance(agency, args);
  } catch (err) {
    // The components name argument paths (`args.image.context`); the stack's user set config keys.
    if (err instanceof ConfigError) throw new pulumi.RunError(err.rekeyed((path) => configKey(path)).message);
    throw err;
  }
}

/**
 * What both instances do first, before registering anything: validate their args, naming each
 * problem as the args' origin names settings (config.ts SettingsOrigin), find the app image's
 * source, and resolve the domains (domains.ts).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AgencyInstanceArgs } from "./args";
import {
  type InstanceSettings,
  parseInstanceSettings,
  type SettingsOrigin,
  settingsOrigin,
  validateArgs,
} from "./config";
import { resolveDomains } from "./domains";
import { type ImageSource, imageSource } from "./image";

export interface DeclaredInstance {
  origin: SettingsOrigin;
  settings: InstanceSettings;
  source: ImageSource;
  /** The domains, validated once they resolve; the first is the canonical one. */
  domains: pulumi.Output<string[]>;
}

/**
 * The instance `component "name"` declared with `args`; `targetChecks` adds the target's own
 * rules (they throw ConfigError, keyed by config key like the schema's).
 * @throws ConfigError naming every problem.
 */
export function declaredInstance(
  component: string,
  name: string,
  args: AgencyInstanceArgs,
  targetChecks: (settings: InstanceSettings) => void = () => undefined,
): DeclaredInstance {
  const origin = settingsOrigin(`${component} "${name}"`, args);
  const { settings, source } = validateArgs(origin, () => {
    const valid = parseInstanceSettings(args);
    targetChecks(valid);
    return { settings: valid, source: imageSource(valid.agency, valid.image) };
  });
  return { origin, settings, source, domains: resolveDomains(settings.domains, origin) };
}

import { wsgiModuleExists } from "./wsgi-module-exists";
import type { Rule } from "../rule";
import { allowedHostsRestricted } from "./allowed-hosts-restricted";
import { csrfTrustedOriginsHttps } from "./csrf-trusted-origins-https";
import { debugOff } from "./debug-off";
import { httpsSettings } from "./https-settings";
import { noDefaultSecretKeys } from "./no-default-secret-keys";
import { optionalSettingsSafeDefaults } from "./optional-settings-safe-defaults";
import { requiredSettingsFailLoudly } from "./required-settings-fail-loudly";
import { settingsModuleExists } from "./settings-module-exists";

export const rules: Rule[] = [
  requiredSettingsFailLoudly,
  optionalSettingsSafeDefaults,
  noDefaultSecretKeys,
  debugOff,
  allowedHostsRestricted,
  csrfTrustedOriginsHttps,
  httpsSettings,
  settingsModuleExists,
  wsgiModuleExists,
];

/**
 * SF-2: the runtime settings serve static files through WhiteNoise
 * with compressed, hashed storage (CompressedManifestStaticFilesStorage, or WhiteNoise's compressed
 * storage under another name). A stack whose proxy serves the files instead must keep WhiteNoise out
 * of the picture deliberately; that cannot be seen from the proxy's config, so it is not assumed.
 */
import { inContext, violation, type Finding, type StackRule } from "../rule";
import { type InspectedBuild } from "../../deployment/app-builds";
import { judgeSettings } from "../rule";
import type { SettingsModuleFacts } from "../../inspect/facts";
import { APP_BUILD_TYPES } from "../types";

export const compressedStaticFiles: StackRule = {
  id: "SF-2",
  policy: "compressed-static-files",
  category: "static-files",
  severity: "medium",
  title: "Static files not served compressed and hashed",
  description: "WhiteNoise serves compressed, hashed static files (or a proxy serves them).",
  impact: "Slow pages and stale assets after a release.",
  fix: 'Add WhiteNoiseMiddleware and `STORAGES["staticfiles"]` = CompressedManifestStaticFilesStorage.',
  verify: "curl -sI -H 'Accept-Encoding: gzip' https://<domain>/static/<file>   # Content-Encoding: gzip",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check: (deployment) => judgeSettings(deployment, judge),
};

function judge(modules: readonly SettingsModuleFacts[], { facts }: InspectedBuild): Finding[] {
  const findings: Finding[] = [];
  for (const module of modules) {
    const at = (setting: string) =>
      inContext(facts, module.settings[setting]?.location ?? { file: module.file ?? "", line: 1 });
    const compressed =
      module.compressedManifestStorage || /whitenoise.*compress/i.test(module.staticfilesStorage ?? "");
    if (!module.whitenoiseMiddleware) {
      findings.push(
        violation(
          `${module.module} does not add WhiteNoise's middleware, so gunicorn cannot serve the static files ` +
            '(add "whitenoise.middleware.WhiteNoiseMiddleware" right after SecurityMiddleware' +
            (compressed ? ")." : ', with "whitenoise.storage.CompressedManifestStaticFilesStorage").'),
          at("MIDDLEWARE"),
        ),
      );
    } else if (!compressed) {
      findings.push(
        violation(
          `${module.module} stores static files without compression and content hashes: pages load slowly and ` +
            'browsers keep stale files after a release. Use "whitenoise.storage.CompressedManifestStaticFilesStorage".',
          at(
            module.settings.STORAGES
              ? "STORAGES"
              : module.settings.STATICFILES_STORAGE
                ? "STATICFILES_STORAGE"
                : "MIDDLEWARE",
          ),
        ),
      );
    }
  }
  return findings;
}

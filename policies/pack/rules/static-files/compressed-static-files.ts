/**
 * SF-2 compressed-static-files (medium): the runtime settings serve static files through WhiteNoise
 * with compressed, hashed storage (CompressedManifestStaticFilesStorage, or WhiteNoise's compressed
 * storage under another name). A stack whose proxy serves the files instead must keep WhiteNoise out
 * of the picture deliberately; that cannot be seen from the proxy's config, so it is not assumed.
 */
import { inContext, violation, type Finding, type StackRule } from "../rule";
import { judgeBuilds, runtimeModules, type InspectedBuild } from "../shared/app-builds";

export const compressedStaticFiles: StackRule = {
  id: "SF-2",
  scope: "stack",
  check: (resources, ctx) => judgeBuilds(resources, ctx, ["settings"], judge),
};

function judge({ facts }: InspectedBuild): Finding[] {
  const findings: Finding[] = [];
  for (const module of runtimeModules(facts)) {
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

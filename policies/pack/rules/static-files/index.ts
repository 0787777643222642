import type { Rule } from "../rule";
import { buildSettingsStandalone } from "./build-settings-standalone";
import { collectstaticAtBuild } from "./collectstatic-at-build";
import { compressedStaticFiles } from "./compressed-static-files";

export const rules: Rule[] = [collectstaticAtBuild, compressedStaticFiles, buildSettingsStandalone];

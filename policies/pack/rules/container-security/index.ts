import type { Rule } from "../rule";
import { copyExcludesDevFiles } from "./copy-excludes-dev-files";
import { dockerignoreExcludesSensitiveFiles } from "./dockerignore-excludes-sensitive-files";
import { minimalImagePackages } from "./minimal-image-packages";
import { noSecretsInImage } from "./no-secrets-in-image";
import { nonRootUser } from "./non-root-user";
import { pinnedSupportedBaseImage } from "./pinned-supported-base-image";
import { runtimeHardening } from "./runtime-hardening";

export const rules: Rule[] = [
  nonRootUser,
  noSecretsInImage,
  pinnedSupportedBaseImage,
  minimalImagePackages,
  dockerignoreExcludesSensitiveFiles,
  copyExcludesDevFiles,
  runtimeHardening,
];

/** How to exempt a finding, for `check --help` (the README has the long form). */
import { EXEMPTIONS_CONFIG_KEY, PRAGMA_SYNTAX } from "../../pack/exemptions";

export const EXEMPTIONS_HELP = [
  "",
  "Exemptions (listed in the report apart from the findings, never silent):",
  `  stack config ${EXEMPTIONS_CONFIG_KEY}: a list of {id, resource | file, reason, expires?}, e.g.`,
  '    - { id: CS-1, resource: "local-web", reason: "...", expires: 2027-01-31 }',
  '    - { id: CS-3, file: "sample-app/Dockerfile:1", reason: "..." }',
  '  pack config (--policy-pack-config): { "<policy>": { "exemptions": [...], "allowCriticalExemptions": true } }',
  `  a pragma on the offending line or the comment line above it: ${PRAGMA_SYNTAX}`,
  "  An expired exemption's finding comes back and says so; a critical item cannot be exempted",
  "  in production unless the policy's pack config sets allowCriticalExemptions: true.",
].join("\n");

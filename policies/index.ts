// The CrossGuard pack. Constructing a PolicyPack starts its gRPC server, so this
// module does that and nothing else.
import { PolicyPack } from "@pulumi/policy";
import { modeFromStackConfig } from "./mode";
import { ExemptionConfigError, exemptionsFromStackConfig, type Exemption } from "./pack/exemptions";
import { buildPolicies } from "./pack/policies";
import { PACK_NAME } from "./protocol";
import { RULES } from "./pack/rules";

function stackExemptions(): Exemption[] {
  try {
    return exemptionsFromStackConfig();
  } catch (e) {
    // The preview fails with the key and index to fix, not with a stack trace.
    if (!(e instanceof ExemptionConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
}

new PolicyPack(PACK_NAME, {
  description: "The deployment-reliability checklist for agency-deploy Django instances (Docker and Azure).",
  policies: buildPolicies(RULES, modeFromStackConfig(), { exemptions: stackExemptions() }),
});

// The CrossGuard pack. Constructing a PolicyPack starts its gRPC server, so this
// module does that and nothing else.
import { PolicyPack } from "@pulumi/policy";
import { modeFromStackConfig } from "./mode";
import { buildPolicies } from "./pack/policies";
import { PACK_NAME } from "./protocol";
import { RULES } from "./pack/rules";

new PolicyPack(PACK_NAME, {
  description: "The deployment-reliability checklist for agency-deploy Django instances (Docker and Azure).",
  policies: buildPolicies(RULES, modeFromStackConfig()),
});

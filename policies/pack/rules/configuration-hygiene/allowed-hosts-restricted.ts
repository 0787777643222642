/**
 * CH-5: ALLOWED_HOSTS is not `*` in the runtime settings (a
 * wildcard item, or a wildcard fallback of the variable it is read from; build-only modules are
 * exempt), and in production mode no web container is deployed with ALLOWED_HOSTS=*.
 */
import { codeAndDeployed, inContext, violation, type Finding, type StackRule } from "../rule";
import { type InspectedBuild } from "../../deployment/app-builds";
import { runtimeModules } from "../../deployment/setting-values";
import { judgeBuilds } from "../rule";
import { envProperty, propertyOf, unknownEnv, type Workload } from "../../deployment/workloads";
import { APP_BUILD_TYPES } from "../types";

export function hostList(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((h) => h.trim())
    .filter((h) => h !== "");
}

export const allowedHostsRestricted: StackRule = {
  id: "CH-5",
  policy: "allowed-hosts-restricted",
  category: "configuration-hygiene",
  severity: "high",
  severityReason:
    "A wildcard host lets any Host header through, so password-reset links and cached pages can be poisoned for real users; a fallback that fails closed (localhost) is not a finding.",
  title: "ALLOWED_HOSTS allows any host",
  description: "ALLOWED_HOSTS is not '*' in production (build-only settings are exempt).",
  impact: "Host-header attacks: poisoned password-reset links and cache poisoning.",
  fix: "Set ALLOWED_HOSTS from the instance's domains (the deployment passes them).",
  verify: "curl -H 'Host: evil.example' https://<domain>/   # 400 Bad Request",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check(deployment, ctx) {
    const deployed = ctx.mode !== "production" ? [] : deployment.withRole("web").flatMap(judgeDeployed);
    return codeAndDeployed(judgeBuilds(deployment, ["settings"], judge), deployed);
  },
};

/** The web container's own ALLOWED_HOSTS: a wildcard fails; a value known only at deploy time is said so. */
function judgeDeployed(w: Workload): Finding[] {
  const unknown = unknownEnv(w, "ALLOWED_HOSTS");
  if (unknown !== undefined) return [unknown];
  const hosts = w.knownEnv.ALLOWED_HOSTS;
  if (hosts === undefined || !hostList(hosts).includes("*")) return [];
  return [
    violation(`"${w.resource.name}" is deployed with ALLOWED_HOSTS=* : it answers for any host name.`, {
      urn: w.resource.urn,
      property: propertyOf(w, envProperty(w)),
    }),
  ];
}

function judge({ facts }: InspectedBuild): Finding[] {
  return runtimeModules(facts)
    .filter((m) => m.allowedHosts?.containsWildcard === true)
    .map((m) =>
      violation(
        `ALLOWED_HOSTS in ${m.module} accepts any host ("*"): host-header attacks can poison password-reset links. ` +
          "List the instance's domains instead.",
        inContext(
          facts,
          m.allowedHosts?.env.find((e) => e.defaultExpression !== null)?.location ??
            m.allowedHosts!.value.location,
        ),
      ),
    );
}

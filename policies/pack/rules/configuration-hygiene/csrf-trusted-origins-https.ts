/**
 * CH-6: CSRF_TRUSTED_ORIGINS lists every public origin with
 * its https:// scheme. Code: the runtime settings set it, and literal items carry a scheme
 * (Django 4+ rejects scheme-less items). Deployment: every public host in the web container's
 * ALLOWED_HOSTS has an `https://<host>` origin.
 */
import { codeAndDeployed, inContext, violation, type Finding, type StackRule } from "../rule";
import { type InspectedBuild } from "../../deployment/app-builds";
import { runtimeModules } from "../../deployment/setting-values";
import { judgeBuilds, wholeFile } from "../rule";
import { envProperty, propertyOf, unknownEnv, type Workload } from "../../deployment/workloads";
import { hostList } from "./allowed-hosts-restricted";
import { APP_BUILD_TYPES } from "../types";

export const csrfTrustedOriginsHttps: StackRule = {
  id: "CH-6",
  policy: "csrf-trusted-origins-https",
  category: "configuration-hygiene",
  severity: "medium",
  title: "CSRF_TRUSTED_ORIGINS incomplete",
  description: "CSRF_TRUSTED_ORIGINS lists every public origin with its https:// scheme.",
  impact: "Every form POST behind the TLS proxy fails with 403 CSRF verification failed.",
  fix: "Pass `https://<domain>` for every domain in CSRF_TRUSTED_ORIGINS.",
  verify: "Log in through the public URL: no 403.",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check: (deployment) =>
    codeAndDeployed(
      judgeBuilds(deployment, ["settings"], judgeCode),
      deployment.withRole("web").flatMap(judgeDeployed),
    ),
};

function judgeCode({ facts }: InspectedBuild): Finding[] {
  const findings: Finding[] = [];
  for (const module of runtimeModules(facts)) {
    const origins = module.csrfTrustedOrigins;
    if (origins === null) {
      findings.push(
        violation(
          `${module.module} does not set CSRF_TRUSTED_ORIGINS: behind the HTTPS proxy, form posts can fail with ` +
            '"CSRF verification failed". Set it from the instance\'s https:// origins.',
          wholeFile(facts, module.file),
        ),
      );
      continue;
    }
    const bad = origins.items.filter((item) => !item.startsWith("https://"));
    if (bad.length > 0) {
      findings.push(
        violation(
          `CSRF_TRUSTED_ORIGINS in ${module.module} has ${bad.length} origin(s) without https:// (${bad.join(", ")}).`,
          inContext(facts, origins.value.location),
        ),
      );
    }
  }
  return findings;
}

function isPublicHost(host: string): boolean {
  return (
    host.includes(".") &&
    !/^[\d.]+$/.test(host) &&
    host !== "*" &&
    !host.endsWith(".internal") &&
    !host.endsWith(".local")
  );
}

function judgeDeployed(w: Workload): Finding[] {
  const hosts = w.knownEnv.ALLOWED_HOSTS;
  const origins = w.knownEnv.CSRF_TRUSTED_ORIGINS;
  const where = { urn: w.resource.urn, property: propertyOf(w, envProperty(w)) };
  if (origins === undefined) {
    // Origins known only at deploy time cannot be checked for their scheme or their hosts.
    const unknown = unknownEnv(w, "CSRF_TRUSTED_ORIGINS");
    return unknown === undefined ? [] : [unknown];
  }
  const list = hostList(origins);
  const findings: Finding[] = [];
  const insecure = list.filter((o) => !o.startsWith("https://"));
  if (insecure.length > 0) {
    findings.push(
      violation(`"${w.resource.name}" trusts origin(s) without https://: ${insecure.join(", ")}.`, where),
    );
  }
  const unknownHosts = unknownEnv(w, "ALLOWED_HOSTS");
  if (unknownHosts !== undefined) findings.push(unknownHosts);
  else if (hosts !== undefined) {
    const missing = hostList(hosts)
      .filter(isPublicHost)
      .map((h) => (h.startsWith(".") ? `https://*${h}` : `https://${h}`))
      .filter((origin) => !list.includes(origin));
    if (missing.length > 0) {
      findings.push(
        violation(
          `"${w.resource.name}" serves hosts whose origins are not in CSRF_TRUSTED_ORIGINS: ${missing.join(", ")}.`,
          where,
        ),
      );
    }
  }
  return findings;
}

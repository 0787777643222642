/**
 * CH-7: the runtime settings turn on HTTPS: SECURE_SSL_REDIRECT or
 * proxy-terminated TLS recognised through SECURE_PROXY_SSL_HEADER, HSTS (SECURE_HSTS_SECONDS > 0),
 * and secure session and CSRF cookies. Settings read from the environment are judged with the
 * value the web container is deployed with, else the code's fallback.
 */
import { inContext, unverifiable, violation, type Finding, type StackRule } from "../rule";
import { type InspectedBuild } from "../../deployment/app-builds";
import { judgeSettings, wholeFile } from "../rule";
import { settingNumber, settingTruth } from "../../deployment/setting-values";
import type { SettingsModuleFacts } from "../../inspect/facts";
import { APP_BUILD_TYPES } from "../types";

export const httpsSettings: StackRule = {
  id: "CH-7",
  policy: "https-settings",
  category: "configuration-hygiene",
  severity: "medium",
  title: "HTTPS settings missing",
  description:
    "SSL redirect or proxy-terminated TLS with SECURE_PROXY_SSL_HEADER, HSTS, secure session and CSRF cookies.",
  impact: "Cookies travel in clear text and browsers can be downgraded to HTTP.",
  fix: "Set SECURE_PROXY_SSL_HEADER, SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS, SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE.",
  verify: "python manage.py check --deploy",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check: (deployment) => judgeSettings(deployment, judge),
};

function judge(
  modules: readonly SettingsModuleFacts[],
  { facts, workloads: users }: InspectedBuild,
): Finding[] {
  const env = Object.assign({}, ...users.filter((w) => w.role === "web").map((w) => w.knownEnv)) as Record<
    string,
    string
  >;
  const findings: Finding[] = [];
  for (const module of modules) {
    const at = (loc: { file: string; line: number } | undefined) =>
      loc === undefined ? wholeFile(facts, module.file) : inContext(facts, loc);
    const redirect = settingTruth(module.secureSslRedirect, env);
    const proxyHeader = module.secureProxySslHeader !== null && module.secureProxySslHeader.literal !== null;
    if (redirect !== true && !proxyHeader) {
      findings.push(
        violation(
          `${module.module} neither redirects to HTTPS (SECURE_SSL_REDIRECT) nor trusts the proxy's HTTPS header ` +
            "(SECURE_PROXY_SSL_HEADER): Django does not know requests arrive over HTTPS.",
          at(module.secureSslRedirect?.location),
        ),
      );
    }
    const hsts = settingNumber(module.secureHstsSeconds, env);
    if (hsts === undefined) {
      findings.push(
        unverifiable(
          `SECURE_HSTS_SECONDS in ${module.module} cannot be read`,
          at(module.secureHstsSeconds?.location),
        ),
      );
    } else if (hsts === null || hsts <= 0) {
      findings.push(
        violation(
          `${module.module} does not enable HSTS (SECURE_HSTS_SECONDS > 0): browsers can be downgraded to HTTP.`,
          at(module.secureHstsSeconds?.location),
        ),
      );
    }
    for (const [name, value] of [
      ["SESSION_COOKIE_SECURE", module.sessionCookieSecure],
      ["CSRF_COOKIE_SECURE", module.csrfCookieSecure],
    ] as const) {
      const on = settingTruth(value, env);
      if (on === undefined)
        findings.push(unverifiable(`${name} in ${module.module} cannot be read`, at(value?.location)));
      else if (on !== true) {
        findings.push(
          violation(
            `${name} is not True in ${module.module}: the cookie can travel over plain HTTP.`,
            at(value?.location),
          ),
        );
      }
    }
  }
  return findings;
}

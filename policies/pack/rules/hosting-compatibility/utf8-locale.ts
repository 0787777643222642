/**
 * HC-7: the web container's locale is UTF-8.
 *
 * The effective locale is LC_ALL, else LC_CTYPE, else LANG (POSIX precedence), from the container's
 * env over the image's ENV. Without any of them Python falls back to the C locale in a slim image.
 */
import { inContext, NOT_APPLICABLE, unverifiable, violation, type Finding, type StackRule } from "../rule";
import { runsBuild } from "../../deployment/app-builds";
import { imageEnv } from "../../deployment/web-servers";
import { envProperty, propertyOf } from "../../deployment/workloads";
import { APP_BUILD_TYPES } from "../types";

const UTF8 = /utf-?8/i;

function locale(env: Readonly<Record<string, string>>): string | undefined {
  return [env.LC_ALL, env.LC_CTYPE, env.LANG].find((v) => v !== undefined && v !== "");
}

export const utf8Locale: StackRule = {
  id: "HC-7",
  policy: "utf8-locale",
  category: "hosting-compatibility",
  severity: "low",
  title: "Container locale is not UTF-8",
  description: "The container locale is UTF-8.",
  impact: "Translations and non-ASCII data break (UnicodeDecodeError, mojibake).",
  fix: "Set `ENV LANG=C.UTF-8 LC_ALL=C.UTF-8` in the image or the container env.",
  verify: "docker run --rm <image> python -c 'import locale; print(locale.getpreferredencoding())'   # UTF-8",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check(deployment) {
    const web = deployment.withRole("web");
    if (web.length === 0) return NOT_APPLICABLE;
    const builds = deployment.builds;
    const findings: Finding[] = [];
    for (const w of web) {
      const { name, urn } = w.resource;
      if (w.env.LANG?.kind === "unknown" || w.env.LC_ALL?.kind === "unknown") {
        findings.push(unverifiable(`the locale of "${name}" is not known until deployment`, { urn }));
        continue;
      }
      const build = builds.inspected.find((b) => runsBuild(b, w));
      const fromImage = build ? imageEnv(build.facts) : {};
      const value = locale({ ...fromImage, ...w.knownEnv });
      if (value !== undefined && UTF8.test(value)) continue;
      if (value === undefined && build === undefined) {
        findings.push(
          unverifiable(`"${name}" sets no locale and its image cannot be inspected for one`, { urn }),
        );
        continue;
      }
      const dockerfile = build?.facts.dockerfile;
      const stage = dockerfile?.stages[dockerfile.finalStageIndex];
      findings.push(
        violation(
          `The locale of "${name}" is not UTF-8${value === undefined ? " (none is set)" : ""}: translations and ` +
            "non-English text can break. Set LANG=C.UTF-8 (and LC_ALL=C.UTF-8).",
          build && stage
            ? inContext(build.facts, stage.location)
            : { urn, property: propertyOf(w, envProperty(w)) },
        ),
      );
    }
    return findings;
  },
};

/**
 * HC-4: when railway.json sets build.watchPatterns, they cover every
 * deployment file: the Dockerfile, the entrypoint script, the requirements files the image installs
 * and railway.json itself. Without watchPatterns Railway redeploys on any change, which passes.
 *
 * Railway's patterns are gitignore-style globs; @balena/dockerignore implements the same family of
 * matching (`**`, leading `/`, negation) and is already how the pack reads .dockerignore.
 */
import ignore from "@balena/dockerignore";
import { inContext, unverifiable, violation, type Finding, type StackRule } from "../rule";
import { type InspectedBuild } from "../../deployment/app-builds";
import { judgeBuilds } from "../rule";
import { APP_BUILD_TYPES } from "../types";

export const railwayWatchPatterns: StackRule = {
  id: "HC-4",
  policy: "railway-watch-patterns",
  category: "hosting-compatibility",
  severity: "low",
  title: "railway.json watchPatterns incomplete",
  description: "railway.json watchPatterns cover every deployment file (only when railway.json exists).",
  impact: "Changing the entrypoint or Dockerfile does not redeploy.",
  fix: "Add the Dockerfile, entrypoint and requirements files to watchPatterns.",
  verify: "cat railway.json",
  scope: "stack",
  types: APP_BUILD_TYPES,
  check: (deployment) => judgeBuilds(deployment, ["railway"], judge, { djangoOnly: false }),
};

function judge({ facts }: InspectedBuild): Finding[] {
  const railway = facts.railway;
  if (railway === null) return [];
  const where = inContext(facts, railway.location ?? { file: railway.file, line: 1 });
  if (railway.parseError !== null)
    return [unverifiable(`${railway.file} could not be read: ${railway.parseError}`, where)];
  if (railway.watchPatterns === null) return [];
  const matcher = ignore().add(railway.watchPatterns.map((p) => p.replace(/^\//, "")));
  const deploymentFiles = new Set<string>([railway.file]);
  if (facts.dockerfile) deploymentFiles.add(facts.dockerfile.file);
  if (facts.entrypoint?.file) deploymentFiles.add(facts.entrypoint.file);
  for (const file of facts.requirements.files) if (file.installedInFinalStage) deploymentFiles.add(file.file);
  const missing = [...deploymentFiles].filter((file) => !matcher.ignores(file));
  return missing.length === 0
    ? []
    : [
        violation(
          `railway.json's watchPatterns do not include ${missing.join(", ")}: changing ${missing.length === 1 ? "it" : "them"} ` +
            "does not redeploy the app.",
          where,
        ),
      ];
}

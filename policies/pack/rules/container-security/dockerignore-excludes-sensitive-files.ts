/**
 * CS-5: a .dockerignore exists, and with Docker's
 * own matching rules it keeps every .env file, .git, virtualenv, key and credential file that is
 * actually present in the context out of what the build receives.
 */
import * as path from "path";
import type { SensitiveKind } from "../../inspect/facts";
import { inContext, unverifiable, violation, type Finding, type ResourceRule } from "../rule";
import { DOCKER } from "../types";

const WHAT: Record<SensitiveKind, string> = {
  "env-file": "environment file with secrets",
  git: "Git history",
  virtualenv: "local virtualenv",
  "private-key": "private key",
  credentials: "credentials file",
  "sqlite-database": "local database file",
};

export const dockerignoreExcludesSensitiveFiles: ResourceRule = {
  id: "CS-5",
  policy: "dockerignore-excludes-sensitive-files",
  category: "container-security",
  severity: "high",
  title: ".dockerignore missing or incomplete",
  description: ".dockerignore exists and keeps .env*, .git and virtualenvs out of the build context.",
  impact: "Local secrets and history are sent to the builder and can end up in the image.",
  fix: "Add a .dockerignore with at least `.env*`, `.git`, `venv/`, `.venv/`, `*.pem`.",
  verify: "docker build --no-cache --progress=plain . 2>&1 | grep 'transferring context'   # small, no .env",
  scope: "resource",
  types: [DOCKER.image, DOCKER.remoteImage],
  check(resource, deployment) {
    const { facts, notes } = deployment.imageFacts(resource, ["dockerignore", "context"]);
    if (!facts) return notes;
    const ignore = facts.dockerignore;
    if (!ignore)
      return notes.length > 0
        ? notes
        : [
            unverifiable("the .dockerignore of this build context could not be read.", {
              file: facts.context,
            }),
          ];
    const findings: Finding[] = [...notes];
    if (!ignore.exists) {
      findings.push(
        violation(
          `The build context has no .dockerignore, so everything in it (.env files, .git, virtualenvs) is sent to the builder. Create one excluding at least .env*, .git, venv/ and .venv/.`,
          { file: path.join(facts.context, ".dockerignore") },
        ),
      );
    }
    const where = ignore.file
      ? inContext(facts, { file: ignore.file, line: ignore.patterns[0]?.location.line ?? 1 })
      : { file: path.join(facts.context, ".dockerignore") };
    for (const sent of ignore.sensitiveSent) {
      findings.push(
        violation(
          `${sent.path} (${WHAT[sent.kind]}) is sent to the image build. Add a pattern for it to .dockerignore.`,
          where,
        ),
      );
    }
    if (ignore.truncated) {
      findings.push(
        unverifiable(
          "the build context is too large to list completely; only part of it was checked.",
          where,
        ),
      );
    }
    return findings;
  },
};

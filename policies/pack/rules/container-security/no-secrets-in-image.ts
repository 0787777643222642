/**
 * CS-2: no ENV/ARG with a secret-like name and a literal value
 * (or a URL embedding a password), no COPY/ADD of .env files, keys or credentials (also through
 * `COPY . .` when the build context sends them), and no secret passed as a build arg.
 */
import { isUnknown, record } from "../props";
import { inContext, NOT_APPLICABLE, violation } from "../rule";
import type { Finding, Resource, ResourceRule } from "../rule";
import type { BuildContextFacts } from "../../inspect/facts";
import { noDockerfile, stageChain } from "../../deployment/image-facts";
import { DOCKER } from "../types";

/** Names that carry credentials (SECRET_KEY, DB_PASSWORD, API_TOKEN, AWS_SECRET_ACCESS_KEY, ...). */
const SECRET_NAME =
  /(secret|passw(or)?d|passwd|pwd|token|api[_-]?key|private[_-]?key|credential|access[_-]?key|encryption[_-]?key)/i;

/** `scheme://user:password@host`: a URL that embeds a password. */
const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^@\s/]+@/i;

/** Values that are only a reference to another variable (`$SECRET_KEY`, `${TOKEN}`) or empty carry nothing. */
function isLiteralValue(value: string): boolean {
  const v = value.trim();
  return v !== "" && !/^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(v);
}

/** A variable that bakes a secret: secret-like name with a literal value, or a URL with a password. */
function bakesSecret(name: string, value: string): boolean {
  return (SECRET_NAME.test(name) && isLiteralValue(value)) || URL_WITH_PASSWORD.test(value);
}

export const noSecretsInImage: ResourceRule = {
  id: "CS-2",
  policy: "no-secrets-in-image",
  category: "container-security",
  severity: "critical",
  title: "Secret baked into the image",
  description: "No secret in ENV/ARG literals, no COPY/ADD of .env files or keys, no secret build args.",
  impact: "Anyone who can pull the image (or read its history) has the secret; rotating it needs a rebuild.",
  fix: "Remove secret values from the Dockerfile and build args; supply them at run time as Pulumi secrets.",
  verify: "docker history --no-trunc <image> | grep -iE 'secret|password|token'   # prints nothing",
  related: ["SecretsUsedInArgOrEnv"],
  scope: "resource",
  types: [DOCKER.image, DOCKER.remoteImage],
  check(resource, deployment) {
    const findings = buildArgFindings(resource);
    const { facts, notes } = deployment.imageFacts(resource, ["dockerfile", "dockerignore", "context"]);
    // Only a built Image has build args: a pulled official image has nothing to judge here.
    if (!facts) return notes === NOT_APPLICABLE ? notes : [...findings, ...notes];
    if (!facts.dockerfile) return [...findings, ...noDockerfile(facts, notes)];
    return [...findings, ...notes, ...dockerfileFindings(facts)];
  },
};

/** Build args end up in the image history; their names say enough, values are never shown. */
function buildArgFindings(image: Resource): Finding[] {
  const args = record(image.props, "build.args") ?? {};
  const findings: Finding[] = [];
  for (const [name, value] of Object.entries(args)) {
    const literal = typeof value === "string" && !isUnknown(value) ? value : "";
    if (SECRET_NAME.test(name) || URL_WITH_PASSWORD.test(literal)) {
      findings.push(
        violation(
          `Build argument ${name} of ${image.name} looks like a secret. Build arguments are stored in the image history; pass it to the container at run time instead.`,
          { property: `build.args.${name}` },
        ),
      );
    }
  }
  return findings;
}

function dockerfileFindings(facts: BuildContextFacts): Finding[] {
  const findings: Finding[] = [];
  const chain = stageChain(facts);
  const args = [...(facts.dockerfile?.globalArgs ?? []), ...chain.flatMap((s) => s.args)];
  for (const arg of args) {
    if (arg.defaultValue !== null && bakesSecret(arg.name, arg.defaultValue)) {
      findings.push(
        violation(
          `ARG ${arg.name} has a secret-looking default value written in the Dockerfile. Remove the default and supply the secret at run time.`,
          inContext(facts, arg.location),
        ),
      );
    }
  }
  for (const env of chain.flatMap((s) => s.env)) {
    if (bakesSecret(env.name, env.value)) {
      findings.push(
        violation(
          `ENV ${env.name} writes a secret-looking value into the image. Remove it and supply the value at run time as a secret.`,
          inContext(facts, env.location),
        ),
      );
    }
  }
  const sentSecrets = (facts.dockerignore?.sensitiveSent ?? []).filter((f) =>
    ["env-file", "private-key", "credentials"].includes(f.kind),
  );
  for (const stage of facts.dockerfile?.stages ?? []) {
    for (const copy of stage.copies) {
      if (copy.from !== null || copy.fromHeredoc) continue;
      const named = copy.secretSources;
      if (named.length > 0) {
        findings.push(
          violation(
            `${copy.keyword} puts ${named.join(", ")} into the image. Secrets belong in the runtime environment, not in image files.`,
            inContext(facts, copy.location),
          ),
        );
      } else if (copy.copiesWholeContext && sentSecrets.length > 0) {
        const files = sentSecrets
          .slice(0, 5)
          .map((f) => f.path)
          .join(", ");
        findings.push(
          violation(
            `${copy.keyword} copies the whole build context, which includes ${files}${sentSecrets.length > 5 ? " and more" : ""}. Exclude them in .dockerignore.`,
            inContext(facts, copy.location),
          ),
        );
      }
    }
  }
  return findings;
}

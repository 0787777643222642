/**
 * DB-8: PostgreSQL is a supported major, 16 or newer for new
 * instances: the Azure server's `version`, and the tag of a PostgreSQL image a docker stack pulls
 * or runs.
 */
import { at, isUnknown, patterned, readProperty, str } from "../props";
import { NOT_APPLICABLE, unverifiable, violation } from "../rule";
import type { Finding, Location, ResourceRule } from "../rule";
import { endOfLife, runtimeOfImage } from "../container-security/eol";
import { parseImageRef } from "../../deployment";
import { AZURE, DOCKER } from "../types";

/** The oldest major a new instance should start on. */
export const MINIMUM_POSTGRES_MAJOR = 16;

/** Azure's `version` is a major ("16"), possibly with a minor; anything else cannot be judged. */
const SERVER_VERSION = patterned('a version number such as "16"', /^\d+(\.\d+)*$/);

const POSTGRES_REPO = /(^|\/)(postgres|postgresql|postgis|timescaledb[a-z-]*|pgvector)$/i;

export const supportedPostgresVersion: ResourceRule = {
  id: "DB-8",
  policy: "supported-postgres-version",
  category: "database-safety",
  severity: "medium",
  title: "PostgreSQL version unsupported",
  description: "PostgreSQL is a supported major (16 or newer for new instances).",
  impact: "No security fixes after end of life; upgrades get harder the longer they wait.",
  fix: "Set `agency-deploy:postgres.version` to 16 or newer (plan a dump/restore upgrade for existing data).",
  verify: "psql $DATABASE_URL -c 'show server_version'",
  scope: "resource",
  types: [AZURE.postgresServer, DOCKER.remoteImage, DOCKER.container],
  check(resource, _deployment, { today }) {
    if (resource.type === AZURE.postgresServer) {
      const unknown = `the PostgreSQL version of ${resource.name} is not known until the deployment runs.`;
      const read = readProperty(resource, "version", { unknown, shape: SERVER_VERSION });
      if ("finding" in read) return [read.finding];
      const version = str(read.value);
      if (version === undefined) {
        return [
          unverifiable(
            `${resource.name} does not set a PostgreSQL version, so Azure picks its current default. Set version explicitly.`,
            { property: "version" },
          ),
        ];
      }
      return judge(
        version.split(".")[0],
        `PostgreSQL server ${resource.name}`,
        { property: "version" },
        today,
      );
    }
    const property = resource.type === DOCKER.remoteImage ? "name" : "image";
    const raw = at(resource.props, property);
    const ref = parseImageRef(str(raw));
    if (!ref || !POSTGRES_REPO.test(ref.name)) {
      return isUnknown(raw) && resource.type === DOCKER.remoteImage
        ? [
            unverifiable(`the image of ${resource.name} is not known until the deployment runs.`, {
              property,
            }),
          ]
        : NOT_APPLICABLE;
    }
    const runtime = runtimeOfImage(ref.name, ref.tag);
    if (!runtime) {
      return [
        unverifiable(
          `${resource.name} uses ${ref.name}${ref.tag ? `:${ref.tag}` : ""}, whose tag does not say the PostgreSQL major version. Pin a tag such as 16.10-bookworm.`,
          { property },
        ),
      ];
    }
    return judge(runtime.major, `${resource.name} (${ref.name}:${ref.tag})`, { property }, today);
  },
};

function judge(major: string, subject: string, where: Location, today: Date): Finding[] {
  const eol = endOfLife("postgres", major, today);
  if (eol?.passed) {
    return [
      violation(
        `${subject} runs PostgreSQL ${major}, which reached end of life on ${eol.date} and gets no security fixes. Upgrade to ${MINIMUM_POSTGRES_MAJOR} or newer (dump and restore the data).`,
        where,
      ),
    ];
  }
  const number = Number(major);
  if (Number.isFinite(number) && number < MINIMUM_POSTGRES_MAJOR) {
    const until = eol ? ` (supported until ${eol.date})` : "";
    return [
      violation(
        `${subject} runs PostgreSQL ${major}${until}; new instances should start on ${MINIMUM_POSTGRES_MAJOR} or newer so they are not forced into an upgrade soon.`,
        where,
      ),
    ];
  }
  return [];
}

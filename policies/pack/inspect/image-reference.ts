/**
 * Image references, the one parser of them: as written on a resource or a FROM line
 * (`postgres:16.10-bookworm`, `ghcr.io/org/app@sha256:...`), split into name, tag and digest; and
 * as Docker normalises them, to tell Docker Official Images apart.
 *
 * Docker Official Images: the `library/` repositories on Docker Hub (postgres, caddy, nginx, python).
 * Their Dockerfiles are public and reviewed by Docker before each release, and in this deployment
 * they run services (databases, proxy, backups), not the Django app, so the checks that read an
 * app's build context (Dockerfile, .dockerignore, settings) do not apply to them. Any other pulled
 * image (`ghcr.io/agency/app:1.2`, `someone/postgres`) stays "could not verify".
 *
 * Hand-written because no maintained npm package implements Docker's normalisation; the rules
 * follow distribution/reference (normalize.go, splitDockerDomain): the first path component is a
 * registry host when it contains "." or ":", is "localhost", or has an upper-case letter;
 * otherwise the registry is Docker Hub (`docker.io`, also written `index.docker.io`) and a
 * single-component name lives in `library/`.
 */

import { isUnknown } from "../../protocol";

/**
 * The longest reference Docker accepts: a repository name of at most 255 characters, a tag of at
 * most 128 and a digest of at most 135 (`sha512:` and 128 hex digits), with their separators.
 */
export const MAX_REFERENCE_LENGTH = 255 + 1 + 128 + 1 + 135;

export interface ImageRef {
  /** Registry and repository as written: `ghcr.io/org/app`, `postgres`. */
  name: string;
  tag: string | null;
  digest: string | null;
}

/** A reference split where Docker splits it (the tag's colon comes after the last slash), unvalidated. */
export function splitImageReference(value: string): ImageRef {
  const [withoutDigest, digest] = value.split("@", 2);
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.indexOf(":", lastSlash + 1);
  return {
    name: colon >= 0 ? withoutDigest.slice(0, colon) : withoutDigest,
    tag: colon >= 0 ? withoutDigest.slice(colon + 1) : null,
    digest: digest ?? null,
  };
}

/** A reference as written on a resource; image ids (`sha256:...`), variables and blanks are none. */
export function parseImageRef(value: string | undefined): ImageRef | undefined {
  if (
    value === undefined ||
    value.trim() === "" ||
    /^sha256:[0-9a-f]+$/i.test(value) ||
    /\s|\$/.test(value)
  ) {
    return undefined;
  }
  return splitImageReference(value);
}

/** Registry and repository of a reference, lower-cased: `library/postgres:16` -> `library/postgres`. */
export function imageRepository(image: string | undefined): string {
  return image === undefined ? "" : splitImageReference(image).name.toLowerCase();
}

/** A reference split as Docker splits it; undefined when the text is not a valid reference. */
export interface RegistryReference {
  /** Registry host, `docker.io` for Docker Hub. */
  domain: string;
  /** Repository path on that registry, `library/postgres` for an official image. */
  path: string;
  tag: string | null;
  digest: string | null;
}

const DOCKER_HUB = "docker.io";
const DOCKER_HUB_ALIASES = new Set([DOCKER_HUB, "index.docker.io"]);
// Grammar from distribution/reference: path components, tags and digests.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;

function isRegistryHost(component: string): boolean {
  return /[.:]/.test(component) || component === "localhost" || component !== component.toLowerCase();
}

export function parseRegistryReference(reference: string): RegistryReference | undefined {
  const [named, digest, ...extra] = reference.split("@");
  if (extra.length > 0 || (digest !== undefined && !DIGEST.test(digest))) return undefined;
  const slash = named.indexOf("/");
  const hosted = slash >= 0 && isRegistryHost(named.slice(0, slash));
  const domain = hosted ? named.slice(0, slash) : DOCKER_HUB;
  const remainder = hosted ? named.slice(slash + 1) : named;
  const { name: repository, tag } = splitImageReference(remainder);
  if (!repository.split("/").every((c) => PATH_COMPONENT.test(c)) || (tag !== null && !TAG.test(tag))) {
    return undefined;
  }
  const hub = DOCKER_HUB_ALIASES.has(domain);
  return {
    domain: hub ? DOCKER_HUB : domain,
    path: hub && !repository.includes("/") ? `library/${repository}` : repository,
    tag,
    digest: digest ?? null,
  };
}

/** `postgres:16`, `library/caddy`, `docker.io/library/nginx:1.27@sha256:...`: yes. */
export function isDockerOfficialImage(reference: string | undefined): boolean {
  // The preview's unknown-value sentinel is shaped like a valid single-component name.
  if (reference === undefined || isUnknown(reference)) return false;
  const ref = parseRegistryReference(reference);
  return ref !== undefined && ref.domain === DOCKER_HUB && /^library\/[^/]+$/.test(ref.path);
}

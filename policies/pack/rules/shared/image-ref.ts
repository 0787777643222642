/**
 * A docker image reference as written on a resource (`postgres:16.10-bookworm`,
 * `ghcr.io/org/app@sha256:...`), split into repository, tag and digest. Image ids
 * (`sha256:...`) and values unknown during preview are not references.
 */
import type { Shape } from "../props";

/**
 * The longest reference Docker accepts: a repository name of at most 255 characters, a tag of at
 * most 128 and a digest of at most 135 (`sha512:` and 128 hex digits), with their separators.
 */
const MAX_REFERENCE_LENGTH = 255 + 1 + 128 + 1 + 135;

/** A string short enough to be an image reference; what it names is parseImageRef's to judge. */
export const IMAGE_REFERENCE: Shape = {
  label: `an image reference of at most ${MAX_REFERENCE_LENGTH} characters`,
  accepts: (v) => typeof v === "string" && v.length <= MAX_REFERENCE_LENGTH,
};

export interface ImageRef {
  name: string;
  tag: string | null;
  digest: string | null;
}

export function parseImageRef(value: string | undefined): ImageRef | undefined {
  if (
    value === undefined ||
    value.trim() === "" ||
    /^sha256:[0-9a-f]+$/i.test(value) ||
    /\s|\$/.test(value)
  ) {
    return undefined;
  }
  const [withoutDigest, digest] = value.split("@", 2);
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.indexOf(":", lastSlash + 1);
  return {
    name: colon >= 0 ? withoutDigest.slice(0, colon) : withoutDigest,
    tag: colon >= 0 ? withoutDigest.slice(colon + 1) : null,
    digest: digest ?? null,
  };
}

/**
 * A docker image reference as written on a resource (`postgres:16.10-bookworm`,
 * `ghcr.io/org/app@sha256:...`), split into repository, tag and digest. Image ids
 * (`sha256:...`) and values unknown during preview are not references.
 */
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

/**
 * The pinned images the instance's own containers run (PostgreSQL, Caddy), pulled once per
 * component and kept on the host when the component goes: another component, or the previous
 * release's container, may still run the same image.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";

/** `ref` (a pinned tag), pulled as `<component>-image`, a child of `parent`. */
export function pulledImage(component: string, ref: string, parent: pulumi.Resource): docker.RemoteImage {
  return new docker.RemoteImage(`${component}-image`, { name: ref, keepLocally: true }, { parent });
}

/**
 * The installed agency-deploy package (the source tree, or an install of its tarball): its root and
 * its package.json, read once. The pack (docs URLs from `homepage`) and the command (its version,
 * bundled pack and stacks) both find it from where their compiled or source module runs.
 */
import * as fs from "fs";
import * as path from "path";

export interface PackageManifest {
  name: string;
  version: string;
  homepage?: string;
}

const PACKAGE_NAME = "agency-deploy";

let found: { root: string; manifest: PackageManifest } | undefined;

function findPackage(from: string): { root: string; manifest: PackageManifest } {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<PackageManifest>;
      // policies/package.json (the pack's own, for `--policy-pack`) is passed over by its name.
      if (manifest.name === PACKAGE_NAME) return { root: dir, manifest: manifest as PackageManifest };
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package above ${from}`);
  }
}

/** The package's root directory. */
export function packageRoot(): string {
  found ??= findPackage(__dirname);
  return found.root;
}

export function packageManifest(): PackageManifest {
  found ??= findPackage(__dirname);
  return found.manifest;
}

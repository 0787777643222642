import * as fs from "fs";
import * as path from "path";

/** The installed agency-deploy package (source tree or dist/ build), for its bundled pack and stacks. */
export function packageRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      const { name } = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string };
      if (name === "agency-deploy") return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the agency-deploy package above ${from}`);
    dir = parent;
  }
}

/**
 * Where each checklist item is documented: its section of docs/checklist.md, in the repository
 * package.json's `homepage` names. Built here and only here, for the policies' `url` and the
 * SARIF rules' `helpUri`; a fork that publishes elsewhere changes `homepage` and nothing else.
 */
import * as fs from "fs";
import * as path from "path";

let homepage: string | undefined;

/** package.json's `homepage` without its `#readme` fragment. */
function repositoryUrl(from: string = __dirname): string {
  if (homepage !== undefined) return homepage;
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      const { name, homepage: url } = JSON.parse(fs.readFileSync(manifest, "utf8")) as {
        name?: string;
        homepage?: string;
      };
      if (name === "agency-deploy") {
        if (url === undefined) throw new Error(`${manifest} has no homepage`);
        homepage = url.replace(/#.*$/, "").replace(/\/+$/, "");
        return homepage;
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the agency-deploy package above ${from}`);
  }
}

/** The heading anchor of an item's section in docs/checklist.md (`CS-1` -> `cs-1`). */
export function checklistAnchor(id: string): string {
  return id.toLowerCase();
}

export function checklistUrl(id: string): string {
  return `${repositoryUrl()}/blob/main/docs/checklist.md#${checklistAnchor(id)}`;
}

/**
 * Where each checklist item is documented: its section of docs/checklist.md, in the repository
 * package.json's `homepage` names. Built here and only here, for the policies' `url` and the
 * SARIF rules' `helpUri`; a fork that publishes elsewhere changes `homepage` and nothing else.
 */
import { packageManifest } from "./package-manifest";

/** package.json's `homepage` without its `#readme` fragment. */
function repositoryUrl(): string {
  const { homepage } = packageManifest();
  if (homepage === undefined) throw new Error("agency-deploy's package.json has no homepage");
  return homepage.replace(/#.*$/, "").replace(/\/+$/, "");
}

/** The heading anchor of an item's section in docs/checklist.md (`CS-1` -> `cs-1`). */
export function checklistAnchor(id: string): string {
  return id.toLowerCase();
}

export function checklistUrl(id: string): string {
  return `${repositoryUrl()}/blob/main/docs/checklist.md#${checklistAnchor(id)}`;
}

import * as fs from "fs";
import * as path from "path";
import { checklistAnchor, checklistUrl } from "../../policies/docs";
import { CHECKLIST } from "../../policies/pack/checklist";
import { REPO_ROOT } from "../support/paths";

describe("links to the checklist docs", () => {
  const { homepage } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    homepage: string;
  };
  const page = fs.readFileSync(path.join(REPO_ROOT, "docs", "checklist.md"), "utf8");

  it("are built from package.json's homepage, and every anchor exists in docs/checklist.md", () => {
    for (const item of CHECKLIST) {
      const url = checklistUrl(item.id);
      expect(url).toBe(
        `${homepage.replace(/#.*$/, "")}/blob/main/docs/checklist.md#${checklistAnchor(item.id)}`,
      );
      expect(page).toContain(`<a id="${checklistAnchor(item.id)}"></a>\n\n### ${item.id} `);
    }
  });
});

import * as fs from "fs";
import * as path from "path";
import { CATEGORIES, CHECKLIST } from "../../../policies/pack/checklist";
import { renderChecklistPage } from "../../../policies/pack/checklist-page";

const PAGE = path.join(__dirname, "..", "..", "..", "docs", "checklist.md");

describe("docs/checklist.md", () => {
  it("is what the rules' metadata generates (run `npm run docs` after changing a rule's metadata)", () => {
    expect(fs.readFileSync(PAGE, "utf8")).toBe(renderChecklistPage(CATEGORIES, CHECKLIST));
  });

  it("has one section per item with its impact, fix and verification", () => {
    const page = renderChecklistPage(CATEGORIES, CHECKLIST);
    for (const item of CHECKLIST) {
      const start = page.indexOf(`### ${item.id} `);
      const end = page.indexOf("\n### ", start + 1);
      const section = page.slice(start, end < 0 ? undefined : end);
      expect(start).toBeGreaterThan(0);
      expect(section).toContain(item.impact);
      expect(section).toContain(item.fix);
      expect(section).toContain(item.verify);
    }
  });
});

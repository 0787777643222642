/** `npm run docs`: writes the generated pages under docs/ (see policies/pack/checklist-page.ts). */
import * as fs from "fs";
import * as path from "path";
import { CATEGORIES, CHECKLIST } from "../policies/pack/checklist";
import { renderChecklistPage } from "../policies/pack/checklist-page";

const page = path.join(__dirname, "..", "docs", "checklist.md");
fs.writeFileSync(page, renderChecklistPage(CATEGORIES, CHECKLIST));
process.stdout.write(`wrote ${path.relative(process.cwd(), page)}\n`);

/**
 * docs/checklist.md, written from the catalogue: one section per item with what it requires, its
 * impact, its fix and how to verify the fix. Generated so the page cannot drift from the rules
 * (`npm run docs` writes it; a test regenerates it and compares).
 */
import { checklistAnchor } from "../docs";
import type { Category, ChecklistItem } from "./checklist";

export function renderChecklistPage(
  categories: readonly Category[],
  items: readonly ChecklistItem[],
): string {
  const lines = [
    "# The deployment-reliability checklist",
    "",
    "<!-- Generated from the rules (policies/pack/rules/<category>/<item>.ts) by `npm run docs`. Do not edit. -->",
    "",
    "Each item is one policy of the `deployment-reliability` pack. In production, critical and high items",
    "are mandatory and the rest advisory; in demo mode every item is advisory.",
    "",
  ];
  for (const category of categories) {
    const inCategory = items.filter((item) => item.category === category.slug);
    if (inCategory.length === 0) continue;
    lines.push(`## ${category.title}`, "");
    for (const item of inCategory) lines.push(...section(item));
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

function section(item: ChecklistItem): string[] {
  const related = item.related ?? [];
  return [
    // An explicit anchor, so the policies' `url` and SARIF's `helpUri` (policies/docs.ts) do not
    // depend on how a renderer slugs the title.
    `<a id="${checklistAnchor(item.id)}"></a>`,
    "",
    `### ${item.id} ${item.title}`,
    "",
    `Policy \`${item.policy}\`, severity ${item.severity}.`,
    "",
    item.description,
    "",
    `**Impact.** ${item.impact}`,
    "",
    `**Fix.** ${item.fix}`,
    "",
    "**Verification.**",
    "",
    "```sh",
    item.verify,
    "```",
    "",
    ...(related.length > 0 ? [`Related checks: ${related.map((id) => `\`${id}\``).join(", ")}.`, ""] : []),
  ];
}

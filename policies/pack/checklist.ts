/**
 * The deployment-reliability checklist, built from the rules: each rule file holds its item's
 * metadata (rules/<category>/<item>.ts), each item becomes exactly one policy, and
 * docs/checklist.md is generated from the same list (`npm run docs`).
 */
import { RULES } from "./rules";
import type { ChecklistItem, CategorySlug } from "./rules/rule";

export type { Severity } from "../protocol";
export type { ChecklistItem, CategorySlug } from "./rules/rule";

export interface Category {
  slug: CategorySlug;
  title: string;
}

/** In report order. */
export const CATEGORIES: readonly Category[] = [
  { slug: "container-security", title: "Container Security" },
  { slug: "startup-reliability", title: "Startup Reliability" },
  { slug: "database-safety", title: "Database Safety" },
  { slug: "configuration-hygiene", title: "Configuration Hygiene" },
  { slug: "static-files", title: "Static Files" },
  { slug: "recovery", title: "Recovery" },
  { slug: "hosting-compatibility", title: "Hosting Compatibility" },
];

/** Every item, in checklist order: the rules' metadata without their checks. */
export const CHECKLIST: readonly ChecklistItem[] = RULES.map(
  ({ id, policy, category, severity, title, description, impact, fix, verify, related }) => ({
    id,
    policy,
    category,
    severity,
    title,
    description,
    impact,
    fix,
    verify,
    ...(related === undefined ? {} : { related }),
  }),
);

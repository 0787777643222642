import type { Rule } from "./rule";
import { rules as configurationHygiene } from "./configuration-hygiene";
import { rules as containerSecurity } from "./container-security";
import { rules as databaseSafety } from "./database-safety";
import { rules as hostingCompatibility } from "./hosting-compatibility";
import { rules as recovery } from "./recovery";
import { rules as staticFiles } from "./static-files";
import { rules as startupReliability } from "./startup-reliability";

/** Every checklist rule, one per item. */
export const RULES: readonly Rule[] = [
  ...containerSecurity,
  ...startupReliability,
  ...databaseSafety,
  ...configurationHygiene,
  ...staticFiles,
  ...recovery,
  ...hostingCompatibility,
];

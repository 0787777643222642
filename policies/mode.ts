/**
 * The pack's mode. Production: critical and high items are mandatory, the rest advisory.
 * Demo: everything is advisory. Read from the stack's own config (`agency-deploy:mode`),
 * which the language host hands the pack as PULUMI_CONFIG; pack config may override it.
 */
// No imports here: the components re-export Mode, and the package ships this module alone beside
// them (a consumer type-checking the components needs nothing of the pack's).

/**
 * How strict the instance is. One declaration for the components (whose args re-export it, so
 * `pulumi package add` sees it as an enum: an `as const` object, then the union of its values)
 * and for the pack and the command that judge the instance in that mode.
 */
export const Mode = {
  /** Every mandatory check gates the release. */
  Production: "production",
  /** The security check is advisory; for trials and training. */
  Demo: "demo",
} as const;
export type Mode = (typeof Mode)[keyof typeof Mode];

export const MODE_CONFIG_KEY = "agency-deploy:mode";

export function isMode(value: unknown): value is Mode {
  return value === "production" || value === "demo";
}

/** The stack's mode from PULUMI_CONFIG; production when absent or unreadable. */
export function modeFromStackConfig(env: NodeJS.ProcessEnv = process.env): Mode {
  try {
    const config: unknown = JSON.parse(env.PULUMI_CONFIG ?? "{}");
    const value = (config as Record<string, unknown>)[MODE_CONFIG_KEY];
    return isMode(value) ? value : "production";
  } catch {
    return "production";
  }
}

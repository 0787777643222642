/**
 * azure-native fills in its defaults for a Container App's `configuration` and `template` (and a
 * Job's `configuration`) inside one `pulumi.output(whole).apply(...)`. During preview that makes the
 * whole object unknown as soon as one leaf is (a newly built image's digest, a new vault's secret
 * URI), and the policy pack can no longer see the probes, scale, resources or ingress.
 *
 * `nestedInputs` sends the same values with the same defaults, filled in by the SDK's own
 * `...ProvideDefaults` functions called on the object itself rather than through one apply, so
 * only the leaves that really are unknown stay unknown.
 */
import * as pulumi from "@pulumi/pulumi";

/** A transformation replacing the named top-level inputs with the given nested values. */
export function nestedInputs(values: Record<string, unknown>): pulumi.ResourceTransformation {
  return ({ props, opts }) => ({ props: { ...props, ...values }, opts });
}

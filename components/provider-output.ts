/**
 * Values derived from outputs that only a provider computes (@pulumi/random's `result` and
 * `base64`, a pushed image's `repoDigest`). A real provider always returns them; Pulumi's
 * documented minimal unit-test mocks echo a resource's inputs as its state, so there they are
 * undefined. A derived value then stays undefined too, the way it would stay unknown during a
 * preview, instead of its derivation throwing and taking the consumer's whole test program down.
 */
import type * as pulumi from "@pulumi/pulumi";

/** `derive(value)`, or undefined when the provider left the value unset. */
export function whenComputed<T, U>(value: T, derive: (value: T) => U): U {
  // The typings promise a T; only a test double breaks that promise, and the result breaks it the same way.
  return value === undefined ? (value as unknown as U) : derive(value);
}

/** `output.apply(derive)`, undefined where the provider left the output unset. */
export function fromProviderOutput<T, U>(
  output: pulumi.Output<T>,
  derive: (value: T) => U,
): pulumi.Output<U> {
  return output.apply((value) => whenComputed(value, derive));
}

/**
 * The image the stack ran before this deployment, for rollback: a StackReference to the stack
 * itself reads the outputs of its last completed update (the engine's builtin provider reads the
 * stack's stored snapshot; a stack that was never deployed has no root resource, and so empty
 * outputs). `previousImageDigest` moves on only when the image changes, so re-deploying the same
 * image keeps pointing at the release before it.
 *
 * This relies on the stack program exporting `imageDigest` and `previousImageDigest` (stacks/
 * does); a program that does not export them gets no previous image.
 */
import * as pulumi from "@pulumi/pulumi";

/** The stack outputs read back from the last update. */
export const IMAGE_DIGEST_OUTPUT = "imageDigest";
export const PREVIOUS_IMAGE_DIGEST_OUTPUT = "previousImageDigest";

/**
 * This stack's fully qualified name (`org/project/stack`), so the reference finds this very stack
 * whatever the backend's default organization. A runtime without an organization (Pulumi's test
 * mode) gets the bare stack name, which the CLI resolves in the current project.
 */
export function selfStackName(): string {
  let organization: string | undefined;
  try {
    organization = pulumi.getOrganization();
  } catch {
    organization = undefined;
  }
  const stack = pulumi.getStack();
  return organization === undefined ? stack : `${organization}/${pulumi.getProject()}/${stack}`;
}

/** The image released before `current`: the last update's image if it differed, else its own previous one. */
export function previousImageDigest(
  current: string,
  lastOutputs: Record<string, unknown> | undefined,
): string {
  const text = (value: unknown): string => (typeof value === "string" ? value : "");
  const lastImage = text(lastOutputs?.[IMAGE_DIGEST_OUTPUT]);
  if (lastImage !== "" && lastImage !== current) return lastImage;
  return text(lastOutputs?.[PREVIOUS_IMAGE_DIGEST_OUTPUT]);
}

/**
 * The outputs of this stack's last completed update, read once per deployment: the previous image
 * (previousImage) and the one-shot jobs' ledger (job-ledger.ts) come from them.
 */
export function lastDeploymentOutputs(
  name: string,
  opts: pulumi.CustomResourceOptions,
): pulumi.Output<Record<string, unknown> | undefined> {
  const self = new pulumi.StackReference(name, { name: selfStackName() }, opts);
  // `outputs` is the whole output map; read it directly so an absent output is simply "none".
  return self.outputs.apply((outputs) => outputs as Record<string, unknown> | undefined);
}

/** `previousImageDigest` for this deployment's `currentDigest` ("" when there is none yet). */
export function previousImage(
  currentDigest: pulumi.Output<string>,
  lastOutputs: pulumi.Output<Record<string, unknown> | undefined>,
): pulumi.Output<string> {
  return pulumi
    .all([currentDigest, lastOutputs])
    .apply(([current, outputs]) => previousImageDigest(current, outputs));
}

/**
 * The instance's public hostnames (`domains`). A consumer may pass them, or any one of them, from
 * another resource's outputs, as Pulumi components take their inputs. What is known when the
 * instance is declared is validated then, with every other argument, before anything is
 * registered; what is not is validated once it resolves, and the resources that use it (the
 * proxy's sites, ALLOWED_HOSTS, the probes' Host header) fail with the same message. During a
 * preview an unknown domain stays unknown in those inputs, which the pack reports as unverifiable.
 */
import * as pulumi from "@pulumi/pulumi";
import type { SettingsOrigin } from "./config";

/** What `domains` accepts: a list of hostnames, the list or any hostname an Output. */
export type DomainsInput = pulumi.Input<pulumi.Input<string>[]>;

// RFC 1123 labels; "localhost" is a valid single-label name for the built-in stack.
const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** One problem of the domains, its path relative to `domains` (`[1]` is `domains[1]`). */
export interface DomainIssue {
  path: number[];
  message: string;
}

/** A value that resolves later: an Output or a Promise. */
function isPending(value: unknown): boolean {
  return pulumi.Output.isInstance(value) || value instanceof Promise;
}

/** The problems of what is known of `domains`; a pending list or hostname is checked once it resolves. */
export function domainIssues(domains: unknown): DomainIssue[] {
  if (domains === undefined) return [{ path: [], message: "is required" }];
  if (isPending(domains)) return [];
  if (!Array.isArray(domains)) return [{ path: [], message: "must be array" }];
  if (domains.length === 0) return [{ path: [], message: "must list at least one domain" }];
  return domains.flatMap((domain: unknown, index): DomainIssue[] => {
    if (isPending(domain)) return [];
    if (typeof domain !== "string") return [{ path: [index], message: "must be string" }];
    return HOSTNAME.test(domain) ? [] : [{ path: [index], message: "must be a hostname" }];
  });
}

/**
 * The domains, resolved, the first the canonical one. A value that was pending when the instance
 * was declared is validated here, failing whatever consumes the Output with the problem named as
 * `origin` names settings (`args.domains[1] must be a hostname`).
 */
export function resolveDomains(domains: DomainsInput, origin: SettingsOrigin): pulumi.Output<string[]> {
  return pulumi.output(domains).apply((resolved) => {
    const issues = domainIssues(resolved);
    if (issues.length > 0) {
      const problems = issues.map((issue) => ({ path: ["domains", ...issue.path], message: issue.message }));
      throw new pulumi.RunError(origin.problems(problems).message);
    }
    return resolved;
  });
}

/**
 * The domains as they were declared, each one not known then as null (the whole list null when it
 * was an Output): what may name resources, which must be known when they are declared.
 */
export function declaredDomains(domains: DomainsInput): (string | null)[] | null {
  if (!Array.isArray(domains)) return null;
  return domains.map((domain) => (typeof domain === "string" ? domain : null));
}

/**
 * Broken input as findings: a Dockerfile BuildKit rejects, a COPY source missing from the context, a
 * settings module with a syntax error. These fail the item (the deployment will break on them); one
 * the image build fails on starts with CANNOT_BUILD so the report's verdict is "No".
 */
import type { BuildContextFacts, InspectTopic } from "../../inspect/facts";
import { CANNOT_BUILD } from "../../../protocol";
import { inContext, violation, type Finding } from "../rule";

export function brokenInputs(facts: BuildContextFacts, topics: readonly InspectTopic[]): Finding[] {
  return facts.broken
    .filter((b) => topics.includes(b.topic))
    .map((b) =>
      violation(
        b.failsBuild ? `${CANNOT_BUILD} ${b.reason}` : b.reason,
        b.location ? inContext(facts, b.location) : { file: facts.context },
      ),
    );
}

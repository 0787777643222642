/**
 * `pulumi up -s <agency>`: one agency instance from stacks/Pulumi.<agency>.yaml. Its stack outputs
 * are the instance's outputs (AgencyInstanceOutputs), whatever the target.
 */
import * as pulumi from "@pulumi/pulumi";
import { instanceOutputs } from "../components/outputs";
import { deployAgency } from "./program";

const instance = deployAgency(pulumi.runtime.allConfig());

export = {
  ...instanceOutputs(instance),
  // Docker: read back by the next update (components/docker/job-ledger.ts, components/config.ts).
  jobLedger: "jobLedger" in instance ? instance.jobLedger : undefined,
  protectedSettings: "protectedSettings" in instance ? instance.protectedSettings : undefined,
};

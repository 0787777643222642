/**
 * `pulumi up -s <agency>`: one agency instance from stacks/Pulumi.<agency>.yaml. Its stack outputs
 * are the instance's outputs (AgencyInstanceOutputs), whatever the target.
 */
import * as pulumi from "@pulumi/pulumi";
import { instanceOutputs } from "../components/outputs";
import { deployAgency } from "./program";

export = instanceOutputs(deployAgency(pulumi.runtime.allConfig()));

// The benchmark's baseline: the cost of a CrossGuard pack itself (process, gRPC server, one policy),
// against which the deployment-reliability pack's start-up and per-resource time are compared.
const { PolicyPack } = require("@pulumi/policy");

new PolicyPack("bench-baseline", {
  policies: [
    {
      name: "has-a-name",
      description: "Every resource has a name.",
      enforcementLevel: "advisory",
      validateResource: (args, reportViolation) => {
        if (args.name === "") reportViolation("the resource has no name");
      },
    },
  ],
});

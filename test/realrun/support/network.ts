/**
 * The instance's networks as one private network namespace with only a loopback interface: no
 * route anywhere, so nothing a container does can leave the machine. Every container gets its own
 * loopback address (127.0.0.2, .3, ...); its name and network aliases resolve to that address
 * through the /etc/hosts the runner gives each container, so `app-db:5432` is a real PostgreSQL
 * listening on its real port. Processes of the test join it with `nsenter --net`.
 */
import { execFileSync } from "child_process";
import * as crypto from "crypto";

export class InstanceNetwork {
  private readonly addresses = new Map<string, string>();
  private next = 2;

  private constructor(readonly name: string) {}

  static create(): InstanceNetwork {
    const name = `agency-realrun-${crypto.randomBytes(4).toString("hex")}`;
    execFileSync("ip", ["netns", "add", name]);
    execFileSync("ip", ["-n", name, "link", "set", "lo", "up"]);
    return new InstanceNetwork(name);
  }

  /** `nsenter` arguments that run a command inside this network. */
  get enter(): string[] {
    return ["nsenter", `--net=/run/netns/${this.name}`, "--"];
  }

  /** The loopback address of a container (stable across restarts), registered under its names. */
  address(container: string, aliases: readonly string[] = []): string {
    let address = this.addresses.get(container);
    if (address === undefined) {
      if (this.next > 254) throw new Error("an instance network holds at most 253 containers");
      address = `127.0.0.${this.next++}`;
    }
    for (const name of [container, ...aliases]) this.addresses.set(name, address);
    return address;
  }

  /** Resolve a container name or alias as the containers do. */
  resolve(name: string): string {
    const address = this.addresses.get(name);
    if (address === undefined) throw new Error(`no container or alias ${name} on ${this.name}`);
    return address;
  }

  /** /etc/hosts for a container: localhost, itself under `hostname`, and every name on the network. */
  hostsFile(hostname: string, own: string): string {
    const lines = [
      "127.0.0.1\tlocalhost",
      "::1\tlocalhost ip6-localhost ip6-loopback",
      `${own}\t${hostname}`,
    ];
    for (const [name, address] of this.addresses) lines.push(`${address}\t${name}`);
    return lines.join("\n") + "\n";
  }

  destroy(): void {
    execFileSync("ip", ["netns", "delete", this.name]);
  }
}

/**
 * The instance's networks as Docker builds a bridge network: a hub network namespace holding a
 * bridge with no uplink (no route anywhere, so nothing a container does can leave the machine),
 * and one network namespace per container joined to it by a veth pair, with its own loopback and
 * one address on 10.89.0.0/24. So `127.0.0.1` in a container is its own loopback, as under Docker
 * (Caddy's admin endpoint, a healthcheck), and two containers can each listen on port 8000 (the
 * old and the new web container of a release). `network_mode: container:<name>` joins the named
 * container's namespace (the proxy's route switch). Names and aliases resolve through the
 * /etc/hosts the runner gives each container, rewritten in place whenever a name is registered,
 * as Docker's embedded DNS learns new containers. Processes of the test join the hub with
 * `nsenter --net` and reach every container on its address.
 */
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";

const SUBNET = "10.89.0";

export class InstanceNetwork {
  private readonly addresses = new Map<string, string>();
  /** Each container name's own network namespace, by name. */
  private readonly namespaces = new Map<string, string>();
  /** The /etc/hosts files handed out, with their container's own hostname line. */
  private readonly hostsFiles: { file: string; hostname: string; own: string }[] = [];
  private next = 2;

  private constructor(readonly name: string) {}

  static create(): InstanceNetwork {
    const name = `agency-realrun-${crypto.randomBytes(4).toString("hex")}`;
    execFileSync("ip", ["netns", "add", name]);
    execFileSync("ip", ["-n", name, "link", "set", "lo", "up"]);
    execFileSync("ip", ["-n", name, "link", "add", "br0", "type", "bridge"]);
    execFileSync("ip", ["-n", name, "addr", "add", `${SUBNET}.1/24`, "dev", "br0"]);
    execFileSync("ip", ["-n", name, "link", "set", "br0", "up"]);
    return new InstanceNetwork(name);
  }

  /** `nsenter` arguments that run a command on the hub (the test's own view of the network). */
  get enter(): string[] {
    return ["nsenter", `--net=/run/netns/${this.name}`, "--"];
  }

  /** `nsenter` arguments that run a command in a container's own network namespace. */
  enterContainer(container: string): string[] {
    return ["nsenter", `--net=/run/netns/${this.namespace(container)}`, "--"];
  }

  /** The container's namespace (one per name, kept across restarts), created on first use. */
  private namespace(container: string): string {
    let namespace = this.namespaces.get(container);
    if (namespace !== undefined) return namespace;
    const address = this.address(container);
    const index = Number(address.split(".")[3]);
    namespace = `${this.name}-c${index}`;
    execFileSync("ip", ["netns", "add", namespace]);
    execFileSync("ip", ["-n", namespace, "link", "set", "lo", "up"]);
    execFileSync("ip", [
      ...["-n", namespace, "link", "add", "eth0", "type", "veth"],
      ...["peer", "name", `veth${index}`, "netns", this.name],
    ]);
    execFileSync("ip", ["-n", this.name, "link", "set", `veth${index}`, "master", "br0", "up"]);
    execFileSync("ip", ["-n", namespace, "addr", "add", `${address}/24`, "dev", "eth0"]);
    execFileSync("ip", ["-n", namespace, "link", "set", "eth0", "up"]);
    this.namespaces.set(container, namespace);
    return namespace;
  }

  /** The address of a container (stable across restarts), registered under its names. */
  address(container: string, aliases: readonly string[] = []): string {
    let address = this.addresses.get(container);
    if (address === undefined) {
      if (this.next > 254) throw new Error("an instance network holds at most 253 containers");
      address = `${SUBNET}.${this.next++}`;
    }
    // An alias two containers share (`web`, every release's) answers with the newest, as a
    // client of Docker's round-robin DNS may get either.
    const changed = [container, ...aliases].some((name) => this.addresses.get(name) !== address);
    for (const name of [container, ...aliases]) this.addresses.set(name, address);
    if (changed) this.rewriteHostsFiles();
    return address;
  }

  /** Resolve a container name or alias as the containers do. */
  resolve(name: string): string {
    const address = this.addresses.get(name);
    if (address === undefined) throw new Error(`no container or alias ${name} on ${this.name}`);
    return address;
  }

  /** Write /etc/hosts for a container to `file` and keep it current as names are registered. */
  writeHostsFile(file: string, hostname: string, own: string): void {
    this.hostsFiles.push({ file, hostname, own });
    fs.writeFileSync(file, this.hostsFile(hostname, own));
  }

  /**
   * Rewrite in place (same inode: the containers bind-mount these files), never through an empty
   * file: `writeFileSync` truncates first, and a lookup in that moment (Caddy dialling the web
   * container) finds no name at all, which Docker's embedded DNS never does. One write over the
   * old text, then a truncate to the new length (names are only ever added, so it rarely shrinks).
   */
  private rewriteHostsFiles(): void {
    for (const { file, hostname, own } of this.hostsFiles) {
      if (!fs.existsSync(file)) continue;
      const text = Buffer.from(this.hostsFile(hostname, own));
      const fd = fs.openSync(file, "r+");
      try {
        fs.writeSync(fd, text, 0, text.length, 0);
        fs.ftruncateSync(fd, text.length);
      } finally {
        fs.closeSync(fd);
      }
    }
  }

  /** /etc/hosts for a container: localhost, itself under `hostname`, and every name on the network. */
  private hostsFile(hostname: string, own: string): string {
    const lines = [
      "127.0.0.1\tlocalhost",
      "::1\tlocalhost ip6-localhost ip6-loopback",
      `${own}\t${hostname}`,
    ];
    for (const [name, address] of this.addresses) lines.push(`${address}\t${name}`);
    return lines.join("\n") + "\n";
  }

  destroy(): void {
    for (const namespace of this.namespaces.values()) execFileSync("ip", ["netns", "delete", namespace]);
    execFileSync("ip", ["netns", "delete", this.name]);
  }
}

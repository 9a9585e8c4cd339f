// Reads the host model (docs/host-model.md) from JSON: interfaces with addresses, routes,
// forwarding, sysctls. Everything is checked and every error names the file and the JSON path,
// because a typo in a host file silently changes which chain a packet traverses.
import { formatIPv4 } from '../ruleset/names.js';
import { ValueError, didYouMean, ipv4Of, showValue } from '../packets/values.js';
import { HostModelError, jsonPath } from './errors.js';
import { interfaceNameOf } from './ifname.js';
import type { HostAddress, HostInterface, HostModel, HostRoute } from './model.js';
import { LOOPBACK, connectedInterfaceFor, networkOf } from './routes.js';
import {
  SYSCTL_DEFAULTS, SYSCTL_HELPER_AUTOASSIGN, SYSCTL_IP_FORWARD, normaliseSysctlName, sysctlValueOf,
} from './sysctl.js';

export interface HostLoadOptions {
  /** Named in error messages; default "host model". */
  filename?: string;
}

const LOOPBACK_ADDRESS: HostAddress = { addr: 0x7f000001, prefix: 8 };
const ROUTE_TYPES: readonly HostRoute['type'][] = ['unicast', 'blackhole', 'unreachable', 'prohibit'];

/** Parses host model JSON text. */
export function parseHostModel(text: string, opts: HostLoadOptions = {}): HostModel {
  const file = opts.filename ?? 'host model';
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new HostModelError(file, '', `not valid JSON: ${withLineNumber((e as Error).message, text)}`);
  }
  return hostModelFromObject(obj, opts);
}

/** Older engines say only "at position N": add the line and column people look for. */
function withLineNumber(message: string, text: string): string {
  const m = /at position (\d+)/.exec(message);
  if (!m || /line \d+/.test(message)) return message;
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message} (line ${line} column ${column})`;
}

/** Checks an already parsed object (e.g. from a browser form) and builds the model. */
export function hostModelFromObject(obj: unknown, opts: HostLoadOptions = {}): HostModel {
  return new HostReader(opts.filename ?? 'host model').read(obj);
}

type Json = Record<string, unknown>;

class HostReader {
  constructor(private readonly file: string) {}

  private fail(path: string, message: string): never {
    throw new HostModelError(this.file, path, message);
  }

  /** Runs a value parser, turning its ValueError into an error at `path`. */
  private value<T>(path: string, parse: () => T): T {
    try {
      return parse();
    } catch (e) {
      if (e instanceof ValueError) this.fail(path, e.message);
      throw e;
    }
  }

  private object(value: unknown, path: string, keys: readonly string[], what: string): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(path, `${what} must be a JSON object, not ${showValue(value)}`);
    }
    for (const key of Object.keys(value)) {
      if (!keys.includes(key)) {
        this.fail(jsonPath(path, key), `unknown key${didYouMean(key, keys)}; ${what} keys are ${keys.join(', ')}`);
      }
    }
    return value as Json;
  }

  private array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) this.fail(path, `must be a JSON array, not ${showValue(value)}`);
    return value;
  }

  private boolean(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') this.fail(path, `must be true or false, not ${showValue(value)}`);
    return value;
  }

  read(obj: unknown): HostModel {
    const top = this.object(obj, '', ['interfaces', 'routes', 'forwarding', 'sysctl', 'helper_autoassign'], 'the host model');
    if (top.interfaces === undefined) this.fail('interfaces', 'is required (a list like [{"name": "eth0", "addresses": ["192.0.2.1/24"]}])');
    const interfaces = this.interfaces(top.interfaces);
    const routes = top.routes === undefined ? [] : this.routes(top.routes, interfaces);

    const sysctl: Record<string, number> = { ...SYSCTL_DEFAULTS };
    const given = top.sysctl === undefined ? new Map<string, number>() : this.sysctl(top.sysctl);
    for (const [name, value] of given) if (name in SYSCTL_DEFAULTS) sysctl[name] = value;

    const forwarding = this.agreeing('forwarding', top.forwarding, `sysctl ${SYSCTL_IP_FORWARD}`, given.get(SYSCTL_IP_FORWARD));
    const helperAutoassign = this.agreeing('helper_autoassign', top.helper_autoassign, `sysctl ${SYSCTL_HELPER_AUTOASSIGN}`, given.get(SYSCTL_HELPER_AUTOASSIGN));

    const assumed: string[] = [];
    const addressed = interfaces.filter((i) => i.name !== LOOPBACK && i.addresses.length > 0);
    if (forwarding === undefined && addressed.length > 1) {
      assumed.push(`forwarding not given: off (net.ipv4.ip_forward=0), so packets between ${addressed.map((i) => i.name).join(' and ')} are not routed`);
    }
    return { interfaces, routes, forwarding: forwarding ?? false, sysctl, helperAutoassign: helperAutoassign ?? false, assumed };
  }

  /** A switch that can be set by its own key and by a sysctl: both may be given if they agree. */
  private agreeing(key: string, direct: unknown, sysctlName: string, fromSysctl: number | undefined): boolean | undefined {
    const value = direct === undefined ? undefined : this.boolean(direct, key);
    const viaSysctl = fromSysctl === undefined ? undefined : fromSysctl === 1;
    if (value !== undefined && viaSysctl !== undefined && value !== viaSysctl) {
      this.fail(key, `${value} contradicts ${sysctlName}=${fromSysctl}`);
    }
    return value ?? viaSysctl;
  }

  private interfaces(value: unknown): HostInterface[] {
    const list = this.array(value, 'interfaces').map((item, i) => this.iface(item, jsonPath('interfaces', i)));
    const seen = new Map<string, number>();
    list.forEach((iface, i) => {
      if (seen.has(iface.name)) this.fail(jsonPath(jsonPath('interfaces', i), 'name'), `interface "${iface.name}" is already declared at interfaces[${seen.get(iface.name)}]`);
      seen.set(iface.name, i);
    });
    // lo always exists with 127.0.0.1/8, first, as on every Linux host
    const lo = list.find((i) => i.name === LOOPBACK) ?? { name: LOOPBACK, addresses: [] };
    if (!lo.addresses.some((a) => a.addr === LOOPBACK_ADDRESS.addr)) lo.addresses.unshift({ ...LOOPBACK_ADDRESS });
    return [lo, ...list.filter((i) => i !== lo)];
  }

  private iface(value: unknown, path: string): HostInterface {
    const obj = this.object(value, path, ['name', 'addresses'], 'an interface');
    if (obj.name === undefined) this.fail(path, 'an interface needs a "name"');
    const name = this.value(jsonPath(path, 'name'), () => interfaceNameOf(obj.name));
    const addresses = obj.addresses === undefined ? []
      : this.array(obj.addresses, jsonPath(path, 'addresses')).map((a, i) => this.address(a, jsonPath(jsonPath(path, 'addresses'), i)));
    return { name, addresses };
  }

  private address(value: unknown, path: string): HostAddress {
    const parsed = typeof value === 'string' ? addressAndPrefix(value) : undefined;
    if (!parsed) this.fail(path, `${showValue(value)} is not an IPv4 address/prefix (e.g. "192.0.2.1/24")`);
    if (parsed.addr === 0) this.fail(path, '0.0.0.0 cannot be an interface address');
    return parsed;
  }

  private routes(value: unknown, interfaces: HostInterface[]): HostRoute[] {
    const routes: HostRoute[] = [];
    this.array(value, 'routes').forEach((item, i) => {
      const path = jsonPath('routes', i);
      const route = this.route(item, path, interfaces);
      const connected = interfaces.find((iface) => iface.addresses.some((a) =>
        a.prefix === route.prefix && a.prefix < 32 && networkOf(a.addr, a.prefix) === route.net));
      if (connected) this.fail(jsonPath(path, 'to'), `${formatNet(route)} is already the connected subnet of ${connected.name}`);
      const twin = routes.findIndex((r) => r.net === route.net && r.prefix === route.prefix);
      if (twin >= 0) this.fail(jsonPath(path, 'to'), `a route to ${formatNet(route)} is already given at routes[${twin}]`);
      routes.push(route);
    });
    return routes;
  }

  private route(value: unknown, path: string, interfaces: HostInterface[]): HostRoute {
    const obj = this.object(value, path, ['to', 'via', 'dev', 'type', 'onlink'], 'a route');
    if (obj.to === undefined) this.fail(path, 'a route needs "to" (a prefix such as "10.0.0.0/8", or "default")');
    const to = this.destination(obj.to, jsonPath(path, 'to'));
    const type = obj.type === undefined ? 'unicast' : obj.type;
    if (!ROUTE_TYPES.includes(type as HostRoute['type'])) {
      this.fail(jsonPath(path, 'type'), `${showValue(type)} is not a route type (${ROUTE_TYPES.join(', ')})`);
    }
    if (type !== 'unicast') {
      for (const key of ['via', 'dev', 'onlink']) {
        if (obj[key] !== undefined) this.fail(jsonPath(path, key), `a ${type} route has no next hop`);
      }
      return { ...to, gateway: 0, dev: LOOPBACK, type: type as HostRoute['type'] };
    }
    const onlink = obj.onlink === undefined ? false : this.boolean(obj.onlink, jsonPath(path, 'onlink'));
    const dev = obj.dev === undefined ? undefined : this.device(obj.dev, jsonPath(path, 'dev'), interfaces);
    if (obj.via === undefined) {
      if (dev === undefined) this.fail(path, 'a route needs "via" (the gateway), "dev" (the interface), or a "type"');
      return { ...to, gateway: 0, dev: dev.name, type: 'unicast' };
    }
    const viaPath = jsonPath(path, 'via');
    const gateway = this.value(viaPath, () => ipv4Of(obj.via));
    if (interfaces.some((i) => i.addresses.some((a) => a.addr === gateway))) {
      this.fail(viaPath, `${obj.via} is an address of this host, not a gateway`);
    }
    const reachableOn = connectedInterfaceFor(dev ? [dev] : interfaces, gateway);
    if (!reachableOn && !onlink) {
      this.fail(viaPath, dev
        ? `gateway ${obj.via} is not on a subnet of ${dev.name} (add "onlink": true if it is reachable anyway)`
        : `gateway ${obj.via} is not on a connected subnet: give "dev" (and "onlink": true)`);
    }
    if (!dev && !reachableOn) this.fail(path, '"onlink" needs "dev"');
    return { ...to, gateway, dev: (dev ?? reachableOn)!.name, type: 'unicast' };
  }

  private destination(value: unknown, path: string): { net: number; prefix: number } {
    if (value === 'default') return { net: 0, prefix: 0 };
    const parsed = typeof value === 'string' ? addressAndPrefix(value) : undefined;
    if (!parsed) this.fail(path, `${showValue(value)} is not a destination prefix (e.g. "10.0.0.0/8", "192.0.2.7", or "default")`);
    const net = networkOf(parsed.addr, parsed.prefix);
    if (net !== parsed.addr) {
      this.fail(path, `${value} has host bits set (did you mean "${formatNet({ net, prefix: parsed.prefix })}"?)`);
    }
    return { net, prefix: parsed.prefix };
  }

  private device(value: unknown, path: string, interfaces: HostInterface[]): HostInterface {
    const name = this.value(path, () => interfaceNameOf(value));
    const iface = interfaces.find((i) => i.name === name);
    if (!iface) {
      this.fail(path, `"${name}" is not a declared interface${didYouMean(name, interfaces.map((i) => i.name))}; declared: ${interfaces.map((i) => i.name).join(', ')}`);
    }
    return iface;
  }

  private sysctl(value: unknown): Map<string, number> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail('sysctl', `must be a JSON object of name: value, not ${showValue(value)}`);
    }
    const result = new Map<string, number>();
    const spelledAs = new Map<string, string>();
    for (const [key, raw] of Object.entries(value)) {
      const path = jsonPath('sysctl', key);
      const name = this.value(path, () => normaliseSysctlName(key));
      if (spelledAs.has(name)) this.fail(path, `the same sysctl as "${spelledAs.get(name)}"`);
      spelledAs.set(name, key);
      result.set(name, this.value(path, () => sysctlValueOf(name, raw)));
    }
    return result;
  }
}

/** "a.b.c.d/len" or "a.b.c.d" (= /32), prefix length only (no dotted masks: `ip addr` takes none). */
function addressAndPrefix(text: string): HostAddress | undefined {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?$/.exec(text.trim());
  if (!m) return undefined;
  let addr: number;
  try {
    addr = ipv4Of(m[1]);
  } catch {
    return undefined;
  }
  const prefix = m[2] === undefined ? 32 : Number(m[2]);
  return prefix <= 32 ? { addr, prefix } : undefined;
}

function formatNet(r: { net: number; prefix: number }): string {
  return `${formatIPv4(r.net)}/${r.prefix}`;
}

// The no-file case lives in default.ts; re-exported so callers find every way to get a host here.
export { defaultHostModel, isAssumedHost } from './default.js';

// Name lookup for `-m NAME` and `-j NAME` extensions, and the implicit protocol matches
// (`-p tcp --dport 22` loads the tcp match without `-m tcp`).
import type { MatchModule, TargetModule } from './module.js';
import { MATCH_MODULES } from './match/index.js';
import { TARGET_MODULES } from './target/index.js';

/** What the rule parser needs to resolve extensions; tests may supply their own. */
export interface ModuleRegistry {
  matchModule(name: string): MatchModule | undefined;
  targetModule(name: string): TargetModule | undefined;
  implicitMatchForProto(proto: number): MatchModule | undefined;
}

function byName<M extends { name: string; aliases?: string[] }>(list: readonly M[], name: string): M | undefined {
  return list.find((m) => m.name === name || (m.aliases?.includes(name) ?? false));
}

/** A registry over explicit module lists (the default one uses every module nfwasm ships). */
export function makeRegistry(matches: readonly MatchModule[], targets: readonly TargetModule[]): ModuleRegistry {
  return {
    matchModule: (name) => byName(matches, name),
    targetModule: (name) => byName(targets, name),
    implicitMatchForProto: (proto) => matches.find((m) => m.implicitForProto === proto),
  };
}

// Looked up on every call so modules registered after this file was loaded are seen too.
export const defaultRegistry: ModuleRegistry = {
  matchModule: (name) => byName(MATCH_MODULES, name),
  targetModule: (name) => byName(TARGET_MODULES, name),
  implicitMatchForProto: (proto) => MATCH_MODULES.find((m) => m.implicitForProto === proto),
};

export function matchModule(name: string): MatchModule | undefined {
  return defaultRegistry.matchModule(name);
}

export function targetModule(name: string): TargetModule | undefined {
  return defaultRegistry.targetModule(name);
}

export function implicitMatchForProto(proto: number): MatchModule | undefined {
  return defaultRegistry.implicitMatchForProto(proto);
}

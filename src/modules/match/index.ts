import type { MatchModule } from '../module.js';

export const MATCH_MODULES: MatchModule[] = [];

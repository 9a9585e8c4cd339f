import type { TargetModule } from '../module.js';

export const TARGET_MODULES: TargetModule[] = [];

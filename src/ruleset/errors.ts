import type { SourcePos } from './types.js';

/** A ruleset that cannot be loaded: the message names file and line, like iptables-restore. */
export class RulesetError extends Error {
  readonly pos?: SourcePos;
  constructor(message: string, pos?: SourcePos) {
    super(pos ? `${pos.file}:${pos.line}: ${message}` : message);
    this.name = 'RulesetError';
    this.pos = pos;
  }
}

/** A well-formed option or module that nfwasm does not implement. */
export class UnsupportedError extends RulesetError {
  readonly feature: string;
  constructor(feature: string, message: string, pos?: SourcePos) {
    super(message, pos);
    this.name = 'UnsupportedError';
    this.feature = feature;
  }
}

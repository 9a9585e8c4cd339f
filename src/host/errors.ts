/** A host model file that cannot be used; the message names the file and the JSON path. */
export class HostModelError extends Error {
  readonly file: string;
  /** e.g. `interfaces[1].addresses[0]`; '' for the file as a whole. */
  readonly path: string;
  constructor(file: string, path: string, message: string) {
    super(path ? `${file}: ${path}: ${message}` : `${file}: ${message}`);
    this.name = 'HostModelError';
    this.file = file;
    this.path = path;
  }
}

/** `parent.key`, `parent[3]`, or `parent["key with.dots"]`. */
export function jsonPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

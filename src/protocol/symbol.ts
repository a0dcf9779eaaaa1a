// The one symbol rule of the wire, the CLI and the data files: what a symbol may contain and its canonical form.

/** Letters, digits and `. - ^ =`, 1 to 16 characters (ASCII only, so no Unicode case folding can alias a symbol). */
export const SYMBOL_PATTERN = /^[A-Za-z0-9.^=-]{1,16}$/;

export function isSymbol(text: string): boolean {
  return SYMBOL_PATTERN.test(text);
}

/**
 * The canonical form: ASCII upper case, and the dotted class-share form mapped to the file form.
 * `normaliseSymbol(' brk.b ')` is `BRK-B`. Only ASCII letters change case: `ſ` never becomes `S`.
 */
export function normaliseSymbol(symbol: string): string {
  return symbol
    .trim()
    .replace(/[a-z]/g, (c) => c.toUpperCase())
    .replace(/\./g, '-');
}

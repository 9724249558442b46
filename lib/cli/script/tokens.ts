// The words of a script line: JSON values (strings, numbers, objects,
// arrays, true/false/null) and bare words (names, flags, HOST:PORT,
// @name, =>, !, &). A # outside a JSON string starts a comment.

export interface Token {
  /** The token as written. */
  text: string;
  /** True when it is a JSON value (then `value` holds it). */
  json: boolean;
  value?: unknown;
  /** 1-based, for messages. */
  column: number;
}

/** A mistake in a script: exit code 2, with file and line. */
export class ScriptError extends Error {
  override name = 'ScriptError';
  constructor(message: string, readonly line?: number) {
    super(message);
  }
}

// [::1]:80 and the like: an address, not a JSON array.
const BRACKETED_ADDRESS = /^\[[0-9A-Za-z:.%]*\]:\d+/;

function endOfString(line: string, start: number, lineNumber: number): number {
  for (let i = start + 1; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '"') return i + 1;
  }
  throw new ScriptError(`unterminated string at column ${start + 1}`, lineNumber);
}

// The end of a JSON object or array: brackets balanced outside strings.
function endOfStructure(line: string, start: number, lineNumber: number): number {
  let depth = 0;
  for (let i = start; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') i = endOfString(line, i, lineNumber) - 1;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  throw new ScriptError(`unbalanced ${line[start]} at column ${start + 1}`, lineNumber);
}

function parseJson(text: string, column: number, lineNumber: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ScriptError(`bad JSON at column ${column}: ${(error as Error).message}`, lineNumber);
  }
}

const JSON_WORD = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)$/;

/** The tokens of one line, its comment left out. */
export function tokenize(line: string, lineNumber: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i];
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '#') break;
    const column = i + 1;
    let end: number;
    if (ch === '"') {
      end = endOfString(line, i, lineNumber);
    } else if (ch === '{' || (ch === '[' && !BRACKETED_ADDRESS.test(line.slice(i)))) {
      end = endOfStructure(line, i, lineNumber);
    } else {
      end = i;
      while (end < line.length && !/\s/.test(line[end])) end++;
      const word = line.slice(i, end);
      // `=>"ab"` and `!ECONNRESET` written without their space.
      for (const operator of ['=>', '!']) {
        if (word.startsWith(operator) && word.length > operator.length && word !== '!=') {
          tokens.push({ text: operator, json: false, column });
          i += operator.length;
          end = i;
          break;
        }
      }
      if (end === i) continue;
      if (JSON_WORD.test(word)) {
        tokens.push({ text: word, json: true, value: JSON.parse(word), column });
      } else {
        tokens.push({ text: word, json: false, column });
      }
      i = end;
      continue;
    }
    const text = line.slice(i, end);
    tokens.push({ text, json: true, value: parseJson(text, column, lineNumber), column });
    i = end;
  }
  return tokens;
}

// A script's lines to steps, checked before anything runs: each name is
// made before it is used, each method exists, each call's arguments fit.
//
//   [NAME =] socket [stream|dgram|raw] [inet|inet6|unix] [PROTOCOL]
//   [NAME =] TARGET.METHOD ARG... [&] [=> VALUE [on BACKEND]] [! CODE [on BACKEND]]...
//   [NAME =] adopt NAME                 (a socket that NAME = X.detach gave up)
//   wait [TARGET]                       (TARGET's last background step; every one without TARGET)
import { checkArguments, isAddressWord, knownMember } from './calls';
import { ScriptError, type Token, tokenize } from './tokens';

/** Where an expectation applies: everywhere, or on one backend or system. */
export type Qualifier = 'posix' | 'winsock' | 'wine' | 'windows' | 'linux' | 'darwin' | 'freebsd';
const QUALIFIERS: readonly string[] = ['posix', 'winsock', 'wine', 'windows', 'linux', 'darwin', 'freebsd'];

export interface Expectation {
  /**
   * `=> VALUE`: the step succeeds with this value; `! CODES`: it fails with
   * one of these codes; `?`: whatever it does is shown, not judged (what a
   * platform leaves undefined).
   */
  kind: 'value' | 'error' | 'any';
  value?: unknown;
  codes?: string[];
  on?: Qualifier;
  /** As written, for the report. */
  text: string;
}

interface Common {
  line: number;
  /** The step as written, its comment left out. */
  source: string;
  expectations: Expectation[];
  background: boolean;
  /** The name its result gets (NAME = ...). */
  name?: string;
}

export type Step =
  | Common & { kind: 'socket'; options: { type?: string; family?: string; protocol?: number } }
  | Common & { kind: 'call'; target: string; method: string; args: Token[] }
  | Common & { kind: 'adopt'; from: string }
  | Common & { kind: 'wait'; target?: string };

const TYPES = ['stream', 'dgram', 'raw'];
const FAMILIES = ['inet', 'inet6', 'unix'];
const NAME = /^[A-Za-z_]\w*$/;

function expectations(tokens: Token[], line: number): Expectation[] {
  const found: Expectation[] = [];
  for (let i = 0; i < tokens.length;) {
    const operator = tokens[i];
    const operand = tokens[i + 1];
    let expectation: Expectation;
    if (operator.text === '?') {
      expectation = { kind: 'any', text: '?' };
      i -= 1;
    } else if (operand === undefined) {
      throw new ScriptError(`${operator.text} needs a value after it`, line);
    } else if (operator.text === '=>') {
      if (!operand.json && !/^@\w+$/.test(operand.text)) {
        throw new ScriptError(`=> takes a JSON value (strings in double quotes) or @name; got ${operand.text}`, line);
      }
      expectation = { kind: 'value', value: operand.json ? operand.value : operand.text, text: `=> ${operand.text}` };
    } else if (operator.text === '!') {
      if (operand.json && typeof operand.value !== 'number') throw new ScriptError(`! takes an error code, got ${operand.text}`, line);
      expectation = { kind: 'error', codes: operand.text.split('|'), text: `! ${operand.text}` };
    } else {
      throw new ScriptError(`expected =>, ! or ? here, got ${operator.text}`, line);
    }
    i += 2;
    if (tokens[i]?.text === 'on') {
      const qualifier = tokens[i + 1]?.text;
      if (qualifier === undefined || !QUALIFIERS.includes(qualifier)) {
        throw new ScriptError(`on takes one of ${QUALIFIERS.join(', ')}; got ${qualifier ?? 'nothing'}`, line);
      }
      expectation.on = qualifier as Qualifier;
      expectation.text += ` on ${qualifier}`;
      i += 2;
    }
    if (found.some((other) => other.on === expectation.on)) {
      throw new ScriptError(`two expectations ${expectation.on === undefined ? 'for every backend' : `on ${expectation.on}`}`, line);
    }
    found.push(expectation);
  }
  return found;
}

/** One line to a step (null for a blank or comment line). */
export function parseLine(text: string, line: number): Step | null {
  const tokens = tokenize(text, line);
  if (tokens.length === 0) return null;
  const source = tokens.map((token) => token.text).join(' ');
  // & ends the step: after its arguments, or after its expectations.
  const isAmpersand = (token: Token | undefined) => token !== undefined && !token.json && token.text === '&';
  let background = false;
  if (isAmpersand(tokens[tokens.length - 1])) {
    background = true;
    tokens.pop();
  }
  const at = tokens.findIndex((token) => !token.json && (token.text === '=>' || token.text === '!' || token.text === '?'));
  const head = at === -1 ? tokens : tokens.slice(0, at);
  const expected = at === -1 ? [] : expectations(tokens.slice(at), line);
  if (isAmpersand(head[head.length - 1])) {
    background = true;
    head.pop();
  }
  if (head.some((token) => !token.json && token.text === '&')) throw new ScriptError('& goes at the end of the step', line);
  let name: string | undefined;
  if (head.length >= 2 && !head[1].json && head[1].text === '=') {
    name = head[0].text;
    if (!NAME.test(name)) throw new ScriptError(`${name} is not a name (letters, digits, _)`, line);
    head.splice(0, 2);
  }
  const [first, ...rest] = head;
  if (first === undefined) throw new ScriptError('a name is given nothing to name', line);
  const common: Common = { line, source, expectations: expected, background, ...(name === undefined ? {} : { name }) };
  if (!first.json && first.text === 'socket') {
    if (name === undefined) throw new ScriptError('socket makes a socket that needs a name: NAME = socket ...', line);
    const options: { type?: string; family?: string; protocol?: number } = {};
    for (const token of rest) {
      if (token.json && typeof token.value === 'number') options.protocol = token.value;
      else if (TYPES.includes(token.text)) options.type = token.text;
      else if (FAMILIES.includes(token.text)) options.family = token.text;
      else throw new ScriptError(`socket takes ${TYPES.join('|')}, ${FAMILIES.join('|')} and a protocol number; got ${token.text}`, line);
    }
    return { ...common, kind: 'socket', options };
  }
  if (!first.json && first.text === 'adopt') {
    if (rest.length !== 1 || !NAME.test(rest[0].text)) throw new ScriptError('adopt takes the name of what detach gave', line);
    return { ...common, kind: 'adopt', from: rest[0].text };
  }
  if (!first.json && first.text === 'wait') {
    if (rest.length > 1 || (rest.length === 1 && !NAME.test(rest[0].text))) throw new ScriptError('wait takes a socket name, or nothing', line);
    if (background || name !== undefined) throw new ScriptError('wait neither runs in the background nor gives a value', line);
    return { ...common, kind: 'wait', ...(rest.length === 1 ? { target: rest[0].text } : {}) };
  }
  const call = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/.exec(first.text);
  if (first.json || call === null) {
    throw new ScriptError(`expected a step (NAME = socket, NAME.METHOD ..., wait NAME), got ${first.text}`, line);
  }
  return { ...common, kind: 'call', target: call[1], method: call[2], args: rest };
}

/** Every step of a script, checked: names made before use, methods known, arguments that fit. */
export function parseScript(text: string, socketPrototype: object): Step[] {
  const steps: Step[] = [];
  const names = new Map<string, number>();
  const backgrounds = new Set<string>();
  const need = (name: string, line: number) => {
    if (!names.has(name)) throw new ScriptError(`${name} is not made before this line`, line);
  };
  text.split('\n').forEach((raw, index) => {
    const step = parseLine(raw, index + 1);
    if (step === null) return;
    if (step.kind === 'call') {
      need(step.target, step.line);
      if (!knownMember(socketPrototype, step.method)) throw new ScriptError(`a socket has no method ${step.method}`, step.line);
      checkArguments(step.method, step.args, step.line);
      for (const arg of step.args) if (!arg.json && isAddressWord(arg.text) && arg.text.startsWith('@')) need(arg.text.slice(1), step.line);
      if (step.background) backgrounds.add(step.target);
    } else if (step.kind === 'adopt') {
      need(step.from, step.line);
    } else if (step.kind === 'wait' && step.target !== undefined) {
      need(step.target, step.line);
      if (!backgrounds.has(step.target)) throw new ScriptError(`no step of ${step.target} runs in the background before this line`, step.line);
    }
    for (const expectation of step.expectations) {
      if (typeof expectation.value === 'string' && /^@\w+$/.test(expectation.value)) need(expectation.value.slice(1), step.line);
    }
    if (step.name !== undefined) names.set(step.name, step.line);
    steps.push(step);
  });
  return steps;
}

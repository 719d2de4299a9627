import { badRequest } from '../http/api-error';

/** A request to make the next `count` matching requests fail (`POST /admin/fail-next`). */
export interface FailNextRequest {
  /** HTTP method to match; any when unset or `*`. */
  method?: string;
  /** A regular expression tested against the request path (without the query). */
  path: string;
  /** Status of the error reply (default 500). */
  status?: number;
  message?: string;
  /** How many matching requests fail (default 1). */
  count?: number;
  /**
   * When true the request takes effect and only the reply is the error, as when a response is
   * lost on the way back: the client cannot tell whether its create happened.
   */
  after_effect?: boolean;
}

export interface FailNextRule {
  id: number;
  method: string;
  path: string;
  status: number;
  message: string | null;
  remaining: number;
  after_effect: boolean;
}

/** The armed fail-next rules, consumed in the order they were added. */
export class FailNextRules {
  private rules: (FailNextRule & { regex: RegExp })[] = [];
  private nextId = 1;

  add(req: unknown): FailNextRule {
    if (typeof req !== 'object' || req === null || Array.isArray(req))
      throw badRequest('The body must be a JSON object');
    const r = req as Partial<Record<keyof FailNextRequest, unknown>>;
    const problems: string[] = [];
    let regex: RegExp | null = null;
    if (typeof r.path !== 'string' || r.path === '') problems.push('path must be a regular expression');
    else {
      try {
        regex = new RegExp(r.path);
      } catch (e) {
        problems.push(`path is not a valid regular expression: ${(e as Error).message}`);
      }
    }
    const method = r.method === undefined ? '*' : r.method;
    if (typeof method !== 'string' || !/^([A-Za-z]+|\*)$/.test(method))
      problems.push('method must be an HTTP method or *');
    const status = r.status ?? 500;
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599)
      problems.push('status must be an integer from 400 to 599');
    const count = r.count ?? 1;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1)
      problems.push('count must be a positive integer');
    if (r.message !== undefined && typeof r.message !== 'string') problems.push('message must be a string');
    if (r.after_effect !== undefined && typeof r.after_effect !== 'boolean')
      problems.push('after_effect must be true or false');
    if (problems.length || !regex) throw badRequest(`Invalid fail-next rule: ${problems.join('; ')}`);
    const rule = {
      id: this.nextId++,
      method: (method as string).toUpperCase(),
      path: r.path as string,
      status: status as number,
      message: (r.message as string | undefined) ?? null,
      remaining: count as number,
      after_effect: (r.after_effect as boolean | undefined) ?? false,
      regex,
    };
    this.rules.push(rule);
    return view(rule);
  }

  /** Takes one use of the first rule matching the request, if any. */
  take(method: string, path: string): FailNextRule | null {
    if (this.rules.length === 0) return null;
    const i = this.rules.findIndex((r) => (r.method === '*' || r.method === method) && r.regex.test(path));
    if (i < 0) return null;
    const rule = this.rules[i];
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules.splice(i, 1);
    return view(rule);
  }

  list(): FailNextRule[] {
    return this.rules.map(view);
  }

  clear(): void {
    this.rules = [];
  }
}

const view = ({ regex: _regex, ...rule }: FailNextRule & { regex: RegExp }): FailNextRule => ({ ...rule });

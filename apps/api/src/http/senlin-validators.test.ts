import 'reflect-metadata';
import { Required, SIdentityList, SName, SNested, SNodeMap, SString, validateBody } from './senlin-validators';

class Inner {
  @Required() @SName() name!: string;
  @SString({ nullable: true }) role?: string | null;
  @SString() profile_id?: string;
}

class Envelope {
  @SNested(() => Inner, "Request body missing 'thing' key.") thing!: Inner;
}

class Lists {
  @SIdentityList({ minItems: 1 }) nodes?: string[];
  @SNodeMap() map?: Record<string, string>;
}

const problem = (cls: new () => object, body: unknown) => {
  try {
    validateBody(cls, body);
  } catch (e) {
    return (e as Error).message;
  }
  return null;
};

describe('validateBody', () => {
  it('reports a missing required key alone, whatever rules the key has', () => {
    expect(problem(Envelope, { thing: {} })).toBe("'name' is a required property");
  });

  it('lets absent optional keys pass, checks explicit nulls unless the field is nullable', () => {
    expect(problem(Envelope, { thing: { name: 'n' } })).toBeNull();
    expect(problem(Envelope, { thing: { name: 'n', role: null } })).toBeNull();
    expect(problem(Envelope, { thing: { name: 'n', profile_id: null } })).toBe("None is not of type 'string'");
  });

  it('reports a missing envelope alone, as Senlin looks for it first', () => {
    expect(problem(Envelope, { other: 1 })).toBe("Request body missing 'thing' key.");
  });

  it('reports only the first of several problems, as jsonschema stops at its first', () => {
    expect(problem(Envelope, { thing: { name: 3, bogus: 1 } })).toBe(
      "Additional properties are not allowed ('bogus' was unexpected)",
    );
  });

  it('reports a missing key before an unknown one', () => {
    class Flat {
      @Required() @SString() policy_id!: string;
    }
    expect(problem(Flat, { bogus: 1 })).toBe("'policy_id' is a required property");
  });

  it("words identity lists and node maps as Senlin's fields do", () => {
    expect(problem(Lists, { nodes: 'node_id' })).toBe("Items for 'nodes' must be unique");
    expect(problem(Lists, { nodes: 'abc' })).toBe("'abc' is not of type 'array'");
    expect(problem(Lists, { nodes: [] })).toBe("Value for 'nodes' must have at least 1 item(s).");
    expect(problem(Lists, { map: { a: null } })).toBe("Field `map[a]' cannot be None");
    expect(problem(Lists, { map: { a: 'x', b: 'x' } })).toBe('Map contains duplicated values');
    expect(problem(Lists, { map: { a: ['x'] } })).toBe('A string is required in field map[a], not a list');
    expect(validateBody(Lists, { map: { a: 1 } }).map).toEqual({ a: '1' });
  });
});

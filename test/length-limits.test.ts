/**
 * maxLength and minLength count code points, as ajv does, even though the validator skips the count
 * when a string's UTF-16 length decides it (src/validation/length-keywords.ts): each string around the
 * limits, with emoji (two UTF-16 units, one code point) and lone surrogates, gets the verdict and the
 * error object that ajv's own keywords give, through a dropped-in descriptor (compiled at the call) and
 * a built-in one (precompiled at build).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createClient, ValidationError } from 'qianfan-console';
import { actionDir } from './support/action-dir.js';

const Ajv = createRequire(import.meta.url)('ajv') as typeof import('ajv').default;

const FIELDS = {
  atMost3: { type: 'string', maxLength: 3 },
  atLeast2: { type: 'string', minLength: 2 },
  between2And4: { type: 'string', minLength: 2, maxLength: 4, pattern: '^[^z]*$' },
};
const BODY_SCHEMA = { type: 'object', additionalProperties: false, properties: FIELDS };

const EMOJI = '😀';
const HIGH = '\uD83D';
const LOW = '\uDE00';
const SAMPLES = [
  '',
  'a',
  'ab',
  'abc',
  'abcd',
  'abcde',
  EMOJI,
  EMOJI + EMOJI,
  EMOJI.repeat(3),
  EMOJI.repeat(4),
  EMOJI.repeat(5),
  `${EMOJI}a`,
  `${EMOJI.repeat(3)}a`,
  `${EMOJI.repeat(2)}ab`,
  HIGH,
  LOW,
  HIGH + HIGH,
  `${HIGH}${HIGH}${HIGH}${HIGH}`,
  `${LOW}${HIGH}${LOW}${HIGH}`,
  `ab${HIGH}`,
  `${EMOJI.repeat(3)}${HIGH}`,
  'zz',
  `${EMOJI}zz`,
];

const descriptor = `action: PutText
route: /v2/lengths
summary: Strings with length limits.
docs: https://example.invalid/lengths
idempotent: true
body: ${JSON.stringify(BODY_SCHEMA)}
result: { type: object }
`;

/** The problems strict validation reports, or [] when the body is accepted. */
function problemsOf(show: () => unknown): readonly unknown[] {
  try {
    show();
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.problems;
  }
}

describe('length limits in code points', () => {
  const qf = createClient({ accessKey: 'ak', secretKey: 'sk', validation: 'strict', actionPaths: [actionDir({ lengths: { 'PutText.yaml': descriptor } })] });
  const stock = new Ajv({ allErrors: true, strict: true }).compile(BODY_SCHEMA);

  it("gives ajv's own verdict and error for every string around the limits", () => {
    for (const text of SAMPLES) {
      for (const field of Object.keys(FIELDS)) {
        const body = { [field]: text };
        const expected = stock(body) ? [] : stock.errors!.map((e) => ({ keyword: e.keyword, message: e.message }));
        const problems = problemsOf(() => qf.showRequest('/v2/lengths', 'PutText', body)) as { keyword: string; message: string }[];
        expect(
          problems.map((p) => ({ keyword: p.keyword, message: p.message.replace(/ \(got .*\)$/, '') })),
          `${field} = ${JSON.stringify(text)}`,
        ).toEqual(expected.map((e) => ({ keyword: e.keyword, message: expect.stringContaining(e.message!) })));
      }
    }
  });

  it('counts an emoji as one character in a built-in (precompiled) action too', () => {
    const builtIn = createClient({ accessKey: 'ak', secretKey: 'sk', validation: 'strict' });
    const job = { model: 'ERNIE-Speed-8K', trainMode: 'SFT' };
    // name: minLength 2, maxLength 20
    expect(problemsOf(() => builtIn.showRequest('/v2/finetuning', 'CreateFineTuningJob', { ...job, name: EMOJI.repeat(20) }))).toEqual([]);
    expect(problemsOf(() => builtIn.showRequest('/v2/finetuning', 'CreateFineTuningJob', { ...job, name: EMOJI.repeat(21) }))).toEqual([
      expect.objectContaining({ path: '$.name', keyword: 'maxLength' }),
    ]);
    expect(problemsOf(() => builtIn.showRequest('/v2/finetuning', 'CreateFineTuningJob', { ...job, name: EMOJI }))).toEqual([
      expect.objectContaining({ path: '$.name', keyword: 'minLength' }),
    ]);
  });
});

/**
 * maxLength and minLength as ajv checks them (in code points, so that an emoji is one character), with
 * the count skipped when a string's UTF-16 length already decides it. A string of n UTF-16 units holds
 * between n/2 and n code points, so n <= max meets maxLength and n >= 2 * min meets minLength; only a
 * string past those bounds is counted, with ajv's own counter. The verdict, the error object (keyword,
 * params, message, schemaPath) and the order of the checks are ajv's; what changes is that a 60-character
 * field under `maxLength: 100000` no longer costs a loop over its characters (over half of a 1 MB body's
 * check).
 */
import type { CodeKeywordDefinition, KeywordCxt } from 'ajv';
import { packageRequire } from '../runtime/require.js';

type AjvModule = typeof import('ajv');

/** Replaces ajv's maxLength and minLength on this instance, in the same place among the string keywords. */
export function useLengthShortcut(ajv: import('ajv').default, codegen: Pick<AjvModule, '_' | 'str'>): void {
  // ajv's code-point counter; in standalone code (the precompiled validators) the same module is required.
  const countCodePoints = (packageRequire('ajv/dist/runtime/ucs2length') as { default: (text: string) => number }).default;
  const { _, str } = codegen;
  const counter = { ref: countCodePoints, code: _`require("ajv/dist/runtime/ucs2length").default` };
  const definition: CodeKeywordDefinition = {
    keyword: ['maxLength', 'minLength'],
    type: 'string',
    schemaType: 'number',
    $data: true,
    before: 'pattern',
    error: {
      message: ({ keyword, schemaCode }) => str`must NOT have ${keyword === 'maxLength' ? 'more' : 'fewer'} than ${schemaCode} characters`,
      params: ({ schemaCode }) => _`{limit: ${schemaCode}}`,
    },
    code(cxt: KeywordCxt) {
      const { keyword, data, schemaCode, gen } = cxt;
      const count = gen.scopeValue('func', counter);
      cxt.fail$data(
        keyword === 'maxLength'
          ? _`${data}.length > ${schemaCode} && ${count}(${data}) > ${schemaCode}`
          : _`${data}.length < 2 * ${schemaCode} && ${count}(${data}) < ${schemaCode}`,
      );
    },
  };
  ajv.removeKeyword('maxLength');
  ajv.removeKeyword('minLength');
  ajv.addKeyword(definition);
}

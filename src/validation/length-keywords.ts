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
  const { _, str } = codegen;
  // ajv's code-point counter, required only when a string first needs counting; standalone code (the
  // precompiled validators) requires the same module.
  let count: ((text: string) => number) | undefined;
  const countCodePoints = (text: string): number => {
    count ??= (packageRequire('ajv/dist/runtime/ucs2length') as { default: (text: string) => number }).default;
    return count(text);
  };
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
      const codePoints = gen.scopeValue('func', counter);
      cxt.fail$data(
        keyword === 'maxLength'
          ? _`${data}.length > ${schemaCode} && ${codePoints}(${data}) > ${schemaCode}`
          : _`${data}.length < 2 * ${schemaCode} && ${codePoints}(${data}) < ${schemaCode}`,
      );
    },
  };
  ajv.removeKeyword('maxLength');
  ajv.removeKeyword('minLength');
  ajv.addKeyword(definition);
}

/**
 * A dropped-in resource for the emulator tests: notes that take any body, listed in pages and filterable
 * by topic, with comments as their children. `extra` adds more descriptor files to the same area.
 */
import { actionDir } from './action-dir.js';

const HEAD = (action: string) => `action: ${action}
route: /v2/notes
summary: ${action} (a test action).
docs: https://example.invalid/doc
idempotent: true
result: {type: object}
`;

export const NOTES_ROUTE = '/v2/notes';

export function notesActions(extra: Record<string, string> = {}): string {
  return actionDir({
    notes: {
      'CreateNote.yaml': `${HEAD('CreateNote')}body: {type: object}
emulation: {resource: notes, kind: create, idField: noteId, idPrefix: note-, returns: [noteId]}
`,
      'ListNotes.yaml': `${HEAD('ListNotes')}body: {type: object}
pagination: {items: notes, maxLimit: 1000}
emulation: {resource: notes, kind: list, filters: [topic]}
`,
      'UpdateNote.yaml': `${HEAD('UpdateNote')}body: {type: object}
emulation: {resource: notes, kind: update, idField: noteId, set: $body, returns: record}
`,
      'DeleteNote.yaml': `${HEAD('DeleteNote')}body: {type: object}
emulation: {resource: notes, kind: delete, idField: noteId}
`,
      'CreateComment.yaml': `${HEAD('CreateComment')}body: {type: object}
emulation: {resource: comments, kind: create, idField: commentId, idPrefix: c-, parent: {resource: notes, field: noteId}, returns: [commentId]}
`,
      'ListComments.yaml': `${HEAD('ListComments')}body: {type: object}
pagination: {items: comments}
emulation: {resource: comments, kind: list, parent: {resource: notes, field: noteId}, filters: [mood]}
`,
      ...extra,
    },
  });
}

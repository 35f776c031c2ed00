/**
 * Fixes and splits as LSP WorkspaceEdits: a versioned edit of the document, then, for each new
 * file, a CreateFile and an insert of its text. The split is annotated as needing confirmation,
 * so VS Code shows its refactor preview (every file and change) before anything is written.
 */
import { pathToFileURL } from 'node:url';
import type { AnnotatedTextEdit, ChangeAnnotation, CreateFile, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Fix, NewFile } from '../fixes/types';
import { minimalEdit } from '../fixes/textEdits';
import type { SplitResult } from '../split/plan';
import type { HostSplitResult } from '../frameworks/split';

export const SPLIT_ANNOTATION = 'lockstep.splitPhases';

function documentEdit(doc: TextDocument, edits: Array<{ start: number; end: number; newText: string }>, annotationId?: string): TextDocumentEdit {
  return {
    textDocument: { uri: doc.uri, version: doc.version },
    edits: edits.map((e) => ({
      range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) },
      newText: e.newText,
      ...(annotationId ? { annotationId } : {}),
    })) as AnnotatedTextEdit[],
  };
}

function createFile(file: NewFile, annotationId?: string): Array<CreateFile | TextDocumentEdit> {
  const uri = pathToFileURL(file.path).href;
  return [
    { kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false }, ...(annotationId ? { annotationId } : {}) },
    {
      textDocument: { uri, version: null },
      edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: file.text, ...(annotationId ? { annotationId } : {}) }],
    },
  ];
}

export function fixToWorkspaceEdit(fix: Fix, doc: TextDocument): WorkspaceEdit {
  return { documentChanges: [documentEdit(doc, fix.edits), ...fix.files.flatMap((f) => createFile(f))] };
}

export function splitToWorkspaceEdit(split: Extract<SplitResult, { ok: true }>, doc: TextDocument): WorkspaceEdit {
  const annotation: ChangeAnnotation = {
    label: 'Split into phases',
    needsConfirmation: true,
    description: `${split.files.length} migrations and a plan note`,
  };
  const change = minimalEdit(doc.getText(), split.documentText);
  const newFiles = [...split.files.slice(1).flatMap((f) => [{ path: f.path, text: f.text }, ...f.companions]), ...split.files[0].companions, split.note];
  return {
    documentChanges: [documentEdit(doc, change ? [change] : [], SPLIT_ANNOTATION), ...newFiles.flatMap((f) => createFile(f, SPLIT_ANNOTATION))],
    changeAnnotations: { [SPLIT_ANNOTATION]: annotation },
  };
}

/** A framework migration's split: the document becomes the first phase, the others and the note are new files. */
export function hostSplitToWorkspaceEdit(split: Extract<HostSplitResult, { ok: true }>, doc: TextDocument): WorkspaceEdit {
  const annotation: ChangeAnnotation = { label: 'Split into phases', needsConfirmation: true, description: `${split.files.length} migrations and a plan note` };
  const change = minimalEdit(doc.getText(), split.files[0].text);
  const newFiles = [...split.files.slice(1), split.note];
  return {
    documentChanges: [documentEdit(doc, change ? [change] : [], SPLIT_ANNOTATION), ...newFiles.flatMap((f) => createFile(f, SPLIT_ANNOTATION))],
    changeAnnotations: { [SPLIT_ANNOTATION]: annotation },
  };
}

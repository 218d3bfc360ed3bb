import * as assert from 'assert';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { suiteClient } from '../../helpers/lspClient';

/** A Markdown image (CommonMark §6.4): `![` not preceded by a backslash. */
const markdownImage = /(^|[^\\])!\[/;

const uri = 'file:///security/tracking.rules';
/** Chain names may hold any printable character but blanks (28 at most); this one is an image link. */
const trap = '![](https://e.example/t.png)';
const dump = [
  '*filter', // 0
  ':INPUT ACCEPT [0:0]', // 1
  `:${trap} - [0:0]`, // 2
  `-A INPUT -m comment --comment "see ${trap}" -j ${trap}`, // 3
  'COMMIT', // 4
  '',
].join('\n');

describe('Hovers carry no remote content from the file', function () {
  this.timeout(30_000);
  const client = suiteClient((c) => c.open(uri, dump));

  for (const [what, line, character] of [
    ['the chain declaration', 2, 3],
    ['the jump target', 3, dump.split('\n')[3].lastIndexOf(trap) + 3],
    ['the comment text', 3, dump.split('\n')[3].indexOf('see') + 1],
  ] as const) {
    it(`Should show an image link in ${what} as text, so the editor fetches nothing`, async () => {
      const hover = await client().request<Hover | null>('textDocument/hover', {
        textDocument: { uri },
        position: { line, character },
      });
      const markdown = (hover?.contents as MarkupContent | undefined)?.value ?? '';
      assert.ok(markdown.includes('e.example/t.png'), `the hover is about the trap: ${markdown}`);
      // Outside code blocks an image must be escaped; inside a fence it is inert text anyway.
      const outsideCode = markdown.replace(/```[\s\S]*?```/g, '');
      assert.doesNotMatch(outsideCode, markdownImage, markdown);
    });
  }
});

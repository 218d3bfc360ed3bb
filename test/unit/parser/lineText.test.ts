import * as assert from 'assert';
import { lineTextOf as lineText } from '../../../server/src/parser/lineStarts';

// Expected values are what String.prototype.split('\n') gives (ECMA-262), the behaviour lineText replaces.
describe('lineText', () => {
  it('Should return each line of a text split at \\n, keeping a trailing \\r', () => {
    const doc = { text: '*filter\r\n:INPUT ACCEPT [0:0]\n\nCOMMIT\n' };
    assert.strictEqual(lineText(doc, 0), '*filter\r');
    assert.strictEqual(lineText(doc, 1), ':INPUT ACCEPT [0:0]');
    assert.strictEqual(lineText(doc, 2), '');
    assert.strictEqual(lineText(doc, 3), 'COMMIT');
    assert.strictEqual(lineText(doc, 4), '');
  });

  it('Should return undefined before the first and after the last line', () => {
    const doc = { text: 'a\nb' };
    assert.strictEqual(lineText(doc, -1), undefined);
    assert.strictEqual(lineText(doc, 2), undefined);
    assert.strictEqual(lineText(doc, 1.5), undefined);
  });

  it('Should treat an empty text as one empty line', () => {
    assert.strictEqual(lineText({ text: '' }, 0), '');
    assert.strictEqual(lineText({ text: '' }, 1), undefined);
  });
});

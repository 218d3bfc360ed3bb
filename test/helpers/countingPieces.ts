import { PiecedText } from '../../server/src/parser/piecedText';

/** A text in pieces that counts how often its whole string is asked for. */
export class CountingPieces extends PiecedText {
  joins = 0;
  override toString(): string {
    this.joins++;
    return super.toString();
  }
}

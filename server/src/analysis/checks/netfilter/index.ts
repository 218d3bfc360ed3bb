import type { Check } from '../../check';
import { targetPlacementCheck } from './targetPlacement';
import { matchPlacementCheck } from './matchPlacement';
import { interfaceDirectionCheck } from './interfaceDirection';
import { targetProtocolCheck } from './targetProtocol';
import { tcpmssSynMatchCheck } from './tcpmssSynMatch';
import { jumpGraphCheck } from './jumpGraph';

/** The netfilter checks, in the order they run. */
export const netfilterChecks: readonly Check[] = [
  targetPlacementCheck,
  matchPlacementCheck,
  interfaceDirectionCheck,
  targetProtocolCheck,
  tcpmssSynMatchCheck,
  jumpGraphCheck,
];

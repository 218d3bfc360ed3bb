import type { Check } from '../../check';
import { missingRulesCheck } from './missingRules';
import { ingressMissingConnmarkCheck } from './ingressMissingConnmark';
import { dnsCaptureOffCheck } from './dnsCaptureOff';
import { misorderedRulesCheck } from './misorderedRules';
import { alteredRulesCheck } from './alteredRules';
import { bypassedByForeignRuleCheck } from './bypassedByForeignRule';
import { foreignRuleInIstioChainCheck } from './foreignRuleInIstioChain';
import { reconcileGuardrailsCheck } from './reconcileGuardrails';
import { sidecarChainsInAmbientPodCheck } from './sidecarChainsInAmbientPod';
import { mixedGenerationsCheck } from './mixedGenerations';
import { duplicateRulesCheck } from './duplicateRules';
import { preInpodLayoutCheck } from './preInpodLayout';
import { tproxyGenerationCheck } from './tproxyGeneration';
import { emptyDumpCheck } from './emptyDump';

/** The istio checks, in the order they run. */
export const istioChecks: readonly Check[] = [
  missingRulesCheck,
  ingressMissingConnmarkCheck,
  dnsCaptureOffCheck,
  misorderedRulesCheck,
  alteredRulesCheck,
  bypassedByForeignRuleCheck,
  foreignRuleInIstioChainCheck,
  reconcileGuardrailsCheck,
  sidecarChainsInAmbientPodCheck,
  mixedGenerationsCheck,
  duplicateRulesCheck,
  preInpodLayoutCheck,
  tproxyGenerationCheck,
  emptyDumpCheck,
];

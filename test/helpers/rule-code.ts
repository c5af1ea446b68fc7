import { RuleError } from '../../src/protocol/errors.js';

/** The code of the RuleError `fn` throws; undefined if it throws none (anything else is rethrown). */
export function ruleCode(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof RuleError) return error.code;
    throw error;
  }
}

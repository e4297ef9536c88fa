// `npm run conformance`: the differential test against the real Daphne, printed scenario by scenario.
import { compare_with_daphne } from "./compare.ts";

const result = await compare_with_daphne();
for (const name of result.matched) console.log(`  same       ${name}`);
for (const { name, why } of result.deviations) console.log(`  deviation  ${name}: ${why}`);
for (const { name, note, daphne, ours } of result.failures) {
  console.log(`  DIFFERENT  ${name} (${note})\n    daphne: ${JSON.stringify(daphne)}\n    ours:   ${JSON.stringify(ours)}`);
}
console.log(`${result.matched.length} of ${result.scenarios} scenarios identical on the wire, ` +
  `${result.deviations.length} deliberate deviations, ${result.failures.length} failures`);
process.exitCode = result.failures.length === 0 ? 0 : 1;

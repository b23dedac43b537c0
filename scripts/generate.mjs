// Regenerates what b12lint generates from its own code (run after the TypeScript build):
//   node scripts/generate.mjs schemas    -> schemas/*.schema.json       (`npm run schemas`)
//   node scripts/generate.mjs docs       -> docs/rules/*.md             (`npm run docs`)
//   node scripts/generate.mjs validators -> dist/rules/validators/*.cjs (part of `npm run build`)
const gen = await import('../dist/authoring/generate.js');

const what = process.argv[2];
if (what === 'schemas') gen.writeGenerated(gen.generatedSchemas(), 'schemas');
else if (what === 'docs') gen.writeGenerated(gen.generatedDocs(), 'docs/rules');
else if (what === 'validators') gen.writeValidators();
else {
  console.error('usage: node scripts/generate.mjs schemas|docs|validators');
  process.exit(2);
}

// docs/openapi.json must be the document the code generates: regenerate with `npx chongdich openapi`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/server/openapi.ts';

describe('OpenAPI document', () => {
  it('docs/openapi.json matches the routes (run `npx chongdich openapi` after changing an endpoint)', async () => {
    const committed = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
    const generated = JSON.parse(JSON.stringify(await openApiDocument()));
    expect(Object.keys(generated.paths).sort()).toEqual(Object.keys(committed.paths).sort());
    expect(generated).toEqual(committed);
  });
});

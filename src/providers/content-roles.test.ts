import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProviderConfig } from '../config/types.js';
import { withUserRoleDefaults } from './content-roles.js';
import { relayedBody } from './endpoint.js';

const rewrite = (text: string): string => withUserRoleDefaults(Buffer.from(text)).toString('utf8');

describe('withUserRoleDefaults', () => {
  it('returns the very same body when every content has a role', () => {
    const body = Buffer.from('{"contents":[{"role":"user","parts":[{"text":"Hi"}]},{"role":"model","parts":[{"text":"Hello"}]}]}');
    assert.equal(withUserRoleDefaults(body), body);
  });

  it('writes "role":"user" into the contents that lack one and changes no other byte', () => {
    const body = '{ "contents": [\n  { "parts": [{ "text": "Hi" }] },\n  {"role":"model","parts":[{"text":"Hello"}]},\n  {"parts":[{"text":"More"}]}\n], "generationConfig": {"temperature": 1.0, "seed": 12345678901234567890} }';
    assert.equal(
      rewrite(body),
      '{ "contents": [\n  {"role":"user", "parts": [{ "text": "Hi" }] },\n  {"role":"model","parts":[{"text":"Hello"}]},\n  {"role":"user","parts":[{"text":"More"}]}\n], "generationConfig": {"temperature": 1.0, "seed": 12345678901234567890} }',
    );
  });

  it('replaces a null or empty role, which the Gemini API reads as absent', () => {
    assert.equal(rewrite('{"contents":[{"role":null,"parts":[{"text":"a"}]},{"parts":[{"text":"b"}],"role":""}]}'), '{"contents":[{"role":"user","parts":[{"text":"a"}]},{"parts":[{"text":"b"}],"role":"user"}]}');
  });

  it('an empty content gets the role alone', () => {
    assert.equal(rewrite('{"contents":[{}]}'), '{"contents":[{"role":"user"}]}');
  });

  it('is not misled by "role" inside text, function arguments or systemInstruction', () => {
    const body = '{"systemInstruction":{"parts":[{"text":"You play a \\"role\\": \\"user\\""}]},"contents":[{"parts":[{"text":"{\\"role\\":\\"model\\"}"},{"functionResponse":{"name":"f","response":{"role":"admin"}}}]}]}';
    const rewritten = rewrite(body);
    assert.equal(rewritten, body.replace('"contents":[{', '"contents":[{"role":"user",'));
    assert.deepEqual((JSON.parse(rewritten) as { contents: Array<{ role: string }> }).contents.map((content) => content.role), ['user']);
  });

  it('leaves a body without contents, or with contents that are not an array, as it is', () => {
    for (const text of ['{"generationConfig":{}}', '{"contents":"nonsense"}', '{"nested":{"contents":[{"parts":[]}]}}']) {
      const body = Buffer.from(text);
      assert.equal(withUserRoleDefaults(body), body);
    }
  });
});

describe('relayedBody', () => {
  const body = Buffer.from('{"contents":[{"parts":[{"text":"Hi"}]}]}');

  it('Vertex AI gets the roles it requires', () => {
    assert.equal(relayedBody({ kind: 'vertex-gemini' } as ProviderConfig, body).toString('utf8'), '{"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}');
  });

  it('the Gemini API, which defaults the role itself, gets the body untouched', () => {
    assert.equal(relayedBody({ kind: 'gemini' } as ProviderConfig, body), body);
  });
});

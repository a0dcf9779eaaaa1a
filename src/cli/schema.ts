// `signals schema`: the JSON Schema (draft 2020-12) of every wire message, generated from the zod schemas.
import { z } from 'zod';
import { ClientMessage, PROTOCOL_VERSION, ServerMessage } from '../protocol/messages.js';

export function protocolJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://github.com/signals/protocol/v${PROTOCOL_VERSION}.json`,
    title: 'signals WebSocket protocol',
    description: 'Messages of /ws/signals and /ws/symbols/{symbol}: a superset of the seed protocol. See docs/protocol.md.',
    $defs: {
      ClientMessage: z.toJSONSchema(ClientMessage, { target: 'draft-2020-12', io: 'input' }),
      ServerMessage: z.toJSONSchema(ServerMessage, { target: 'draft-2020-12' }),
    },
    oneOf: [{ $ref: '#/$defs/ClientMessage' }, { $ref: '#/$defs/ServerMessage' }],
  };
}

export function runSchema(): void {
  process.stdout.write(`${JSON.stringify(protocolJsonSchema(), null, 2)}\n`);
}

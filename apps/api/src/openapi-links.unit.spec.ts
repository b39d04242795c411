import type { OpenAPIObject } from '@nestjs/swagger';
import { addLinks } from './openapi-links';

const json = (properties: string[]) => ({
  content: {
    'application/json': {
      schema: { type: 'object', properties: Object.fromEntries(properties.map((name) => [name, {}])) },
    },
  },
});
const op = (operationId: string, extra: Record<string, unknown> = {}) => ({
  operationId,
  responses: { '200': { description: '' } },
  ...extra,
});

describe('OpenAPI links', () => {
  it('links a write to every operation under it whose path parameters it holds', () => {
    // given a workspace create (id in the body), a channel create, a request create (id in the answer)
    const document = {
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: {
        '/ws': {
          post: op('createWs', { requestBody: json(['workspaceId']), responses: { '201': json([]) } }),
        },
        '/ws/{workspaceId}': { get: op('getWs') },
        '/ws/{workspaceId}/channels': { post: op('createChannel', { requestBody: json(['channelId']) }) },
        '/ws/{workspaceId}/channels/{channelId}': { get: op('getChannel') },
        '/ws/{workspaceId}/channels/{channelId}/rules': {
          post: op('addRule', { requestBody: json(['rule']) }),
        },
        '/ws/{workspaceId}/channels/{channelId}/rules/{ruleId}': { delete: op('removeRule') },
        '/ws/{workspaceId}/channels/{channelId}/members/{principalId}': { put: op('addMember') },
        '/ws/{workspaceId}/requests': { post: op('request', { responses: { '201': json(['requestId']) } }) },
        '/ws/{workspaceId}/requests/{requestId}/approve': { post: op('approve') },
      },
    } as unknown as OpenAPIObject;

    // when links are added
    addLinks(document);

    // then each write links to what it made reachable, with where each parameter comes from
    const links = (path: string, method: string, status: string) =>
      (document.paths[path] as never)[method]['responses'][status]['links'];
    expect(links('/ws', 'post', '201')).toEqual({
      getWs: { operationId: 'getWs', parameters: { workspaceId: '$request.body#/workspaceId' } },
      createChannel: {
        operationId: 'createChannel',
        parameters: { workspaceId: '$request.body#/workspaceId' },
      },
      request: { operationId: 'request', parameters: { workspaceId: '$request.body#/workspaceId' } },
    });
    expect(links('/ws/{workspaceId}/channels', 'post', '200')).toMatchObject({
      getChannel: {
        parameters: { workspaceId: '$request.path.workspaceId', channelId: '$request.body#/channelId' },
      },
      addRule: { operationId: 'addRule' },
    });
    expect(links('/ws/{workspaceId}/channels/{channelId}/rules', 'post', '200')).toEqual({
      removeRule: {
        operationId: 'removeRule',
        parameters: {
          workspaceId: '$request.path.workspaceId',
          channelId: '$request.path.channelId',
          ruleId: '$request.body#/rule/id',
        },
      },
    });
    expect(links('/ws/{workspaceId}/requests', 'post', '201')).toEqual({
      approve: {
        operationId: 'approve',
        parameters: { workspaceId: '$request.path.workspaceId', requestId: '$response.body#/requestId' },
      },
    });
    // and nothing links where a parameter (the member's id) comes from nowhere
    expect(links('/ws/{workspaceId}/channels', 'post', '200')).not.toHaveProperty('addMember');
  });
});

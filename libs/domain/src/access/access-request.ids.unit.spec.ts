import {
  accessRequestStreamId,
  jitWorkflowId,
  legacyAccessRequestStreamId,
  legacyJitWorkflowId,
} from './access-request.ids';

describe('access request ids', () => {
  it('scope a request’s stream and workflow by its workspace', () => {
    expect(accessRequestStreamId('acme', 'req-1')).toBe('access-request-acme.req-1');
    expect(jitWorkflowId('acme', 'req-1')).toBe('jit-acme.req-1');
  });

  it('never give two workspaces using the same request id one stream or one workflow', () => {
    expect(accessRequestStreamId('acme', 'req-1')).not.toBe(accessRequestStreamId('globex', 'req-1'));
    expect(jitWorkflowId('acme', 'req-1')).not.toBe(jitWorkflowId('globex', 'req-1'));
  });

  it('still name the streams and workflows of requests recorded before ids were scoped', () => {
    expect(legacyAccessRequestStreamId('req-1')).toBe('access-request-req-1');
    expect(legacyJitWorkflowId('req-1')).toBe('jit-req-1');
  });
});

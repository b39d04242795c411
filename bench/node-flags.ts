/** The V8 flags the image gives every process (`NODE_OPTIONS` in the Dockerfile, docs/deployment.md). */
export const IMAGE_NODE_FLAGS = ['--max-semi-space-size=16'];

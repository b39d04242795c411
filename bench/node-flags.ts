/**
 * The V8 flags the image gives every process (`NODE_OPTIONS` in the Dockerfile, docs/deployment.md).
 * Benchmarks measure Mandate as the image runs it: `npm run bench` starts the bench process with
 * them (package.json; the suites that run the API in process measure it there), and the stacks
 * give them to the processes they start.
 */
export const IMAGE_NODE_FLAGS = ['--max-semi-space-size=16'];

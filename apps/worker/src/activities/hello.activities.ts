import type { HelloActivities } from '@mandate/workflows';

export const helloActivities: HelloActivities = {
  greet: async (name) => `Hello, ${name}!`,
};

/** The GitHub connection the access-bundle specs put in a bundle. */
export const github = {
  id: 'gh',
  connector: 'github',
  account: 'app:eng',
  actions: ['write'],
  resources: ['acme/*'],
};
